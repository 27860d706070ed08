import { listReferees } from '../src/db/referees';
import { consoleUser, type ConsoleUser } from './helpers/console';
import { giveReferences, linkIn, refereesOf, startCheck, until } from './helpers/journey';
import { Visitor } from './helpers/portal';
import { candidateEmail, startStack, type Stack } from './helpers/stack';

/**
 * Revoking links (they are signed, not stored): the console's "Renew report link" stops the old
 * report link, and cancelling a check stops its candidate's and referees' links. Real parts:
 * workflow, mail, Postgres, the console over HTTP.
 */
let stack: Stack;
let admin: ConsoleUser;
beforeAll(async () => {
  stack = await startStack({ templateSettings: { reminders: { intervalSeconds: 3600, maxCount: 0, quietHours: null } } });
  admin = await consoleUser(stack, 'admin');
});
afterAll(() => stack.close());

const mailTo = (address: string, kind: 'candidate' | 'referee') => stack.catcher.waitFor((m) => m.to.includes(address) && Boolean(linkIn(m.text, kind)));
const open = async (url: string) => {
  const res = await fetch(url, { redirect: 'manual' });
  return { status: res.status, html: await res.text() };
};

test('when a check is cancelled in the console, then its candidate link and its referees\' links say they no longer work (410), and nothing can be sent through them', async () => {
  const opp = stack.seedCandidate('opp-revoke-cancel');
  const { handle, requestId } = await startCheck(stack, opp);
  await giveReferences(stack, opp, { answer: 0 });
  const candidateLink = linkIn((await mailTo(candidateEmail(opp), 'candidate')).text, 'candidate')!;
  const refereeLinks = await Promise.all(refereesOf(opp).map(async (r) => linkIn((await mailTo(r.email, 'referee')).text, 'referee')!));
  for (const link of [candidateLink, ...refereeLinks]) expect((await open(link)).status).toBe(200);
  // A referee's page left open in a browser, its form ready to send.
  const leftOpen = new Visitor('', { ip: '203.0.113.50' });
  await leftOpen.get(refereeLinks[0]);

  const path = `/console/checks/${stack.connectionId}/${opp}`;
  await admin.get(`${path}/confirm/cancel`);
  expect((await admin.post(`${path}/actions/cancel`, {})).status).toBe(303);
  await handle.result();

  for (const link of [candidateLink, ...refereeLinks]) {
    const page = await open(link);
    expect(page.status).toBe(410);
    expect(page.html).toContain('This link no longer works');
    expect(page.html).toContain('ask them for a new one');
  }
  // The form sent from that page is refused the same way, and nothing is stored.
  const sent = await leftOpen.post(refereeLinks[0], { name: 'Charles Babbage', relationship: 'manager', q_overall: '5' }, {}, '/answer');
  expect(sent.status).toBe(410);
  expect((await listReferees(stack.db, requestId)).map((r) => r.status)).toEqual(['invited', 'invited']);
});

test('when a recruiter renews a report link in the console, then the new link opens the report and the old one (in Lever) says it no longer works', async () => {
  const opp = stack.seedCandidate('opp-revoke-renew');
  const { handle } = await startCheck(stack, opp);
  await giveReferences(stack, opp);
  await until('the report link in Lever', () => stack.fake.notes(opp).map((n) => /(http:\S+\/reports\/\S+)/.exec(n.value)?.[1]).find(Boolean));
  const oldLink = stack.fake.notes(opp).map((n) => /(http:\S+\/reports\/\S+)/.exec(n.value)?.[1]).find(Boolean)!;
  expect((await open(oldLink)).status).toBe(200);

  const path = `/console/checks/${stack.connectionId}/${opp}`;
  const before = await admin.get(path);
  expect(before.html).toContain('Renew report link');
  const renewed = await admin.post(`${path}/report-link`, {});
  expect(renewed.status).toBe(200);
  expect(renewed.html).toContain('Earlier report links, including the one in Lever, no longer work.');
  const newLink = /<code id="report-link">([^<]+)<\/code>/.exec(renewed.html)![1];

  expect(newLink).not.toBe(oldLink);
  const fresh = await open(newLink);
  expect(fresh.status).toBe(200);
  expect(fresh.html).toContain('Charles Babbage');
  const old = await open(oldLink);
  expect(old.status).toBe(410);
  expect(old.html).toContain('This link no longer works');
  expect(old.html).not.toContain('Charles Babbage');
  await handle.terminate('test done').catch(() => undefined);
});
