import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { listReferees } from '../src/db/referees';
import { ARTIFACTS, launchChromium, personOnPhone } from './helpers/browser';
import { linkIn, startCheck, until, waitForStatus } from './helpers/journey';
import { candidateEmail, startStack, type Stack } from './helpers/stack';

/**
 * A whole reference request in a real Chromium, as the people involved see it on their phones:
 * the candidate consents and names three referees (after one rejected attempt), two answer (one
 * from the candidate's own IP address: flagged), one declines; the report and Lever show it.
 * Screenshots of the three pages are kept in test-artifacts/.
 */
let stack: Stack;
let browser: Browser;
beforeAll(async () => {
  [stack, browser] = await Promise.all([
    startStack({
      templateSettings: {
        survey: [
          { id: 'overall', type: 'rating', text: 'Overall, how would you rate their work?', required: true, labels: ['Poor', 'Fair', 'Good', 'Very good', 'Outstanding'] },
          { id: 'collaboration', type: 'rating', text: 'How well did they work with others?', required: true, labels: ['Poor', 'Fair', 'Good', 'Very good', 'Outstanding'] },
          { id: 'comments', type: 'text', text: 'Anything else we should know?', required: false, maxLength: 2000 },
        ],
        referees: [
          { relationship: 'manager', required: 1, optional: 0, note: 'a manager from your last role' },
          { relationship: 'peer', required: 1, optional: 0 },
          { relationship: 'any', required: 0, optional: 1 },
        ],
      },
    }),
    launchChromium(),
  ]);
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

const CANDIDATE_IP = '198.51.100.7';
const shot = (page: Page, name: string) => page.screenshot({ path: join(ARTIFACTS, name), fullPage: true });

async function fillReferee(page: Page, i: number, r: { name: string; email: string; relationship: string }) {
  await page.fill(`[name=r${i}_name]`, r.name);
  await page.fill(`[name=r${i}_email]`, r.email);
  await page.selectOption(`[name=r${i}_relationship]`, r.relationship);
  await page.fill(`[name=r${i}_company]`, 'Analytical Engines');
  await page.fill(`[name=r${i}_title]`, i === 0 ? 'Director' : 'Engineer');
  await page.fill(`[name=r${i}_worked]`, '1833-1842');
}

test('a candidate names referees, two answer and one declines, and the report and Lever show it', async () => {
  const opp = stack.seedCandidate('opp-browser');
  const { handle, requestId } = await startCheck(stack, opp);
  const invitation = await stack.catcher.waitFor((m) => m.to.includes(candidateEmail(opp)));

  // The candidate, on their phone.
  const candidate = await (await personOnPhone(browser, CANDIDATE_IP, 'Mozilla/5.0 (iPhone) CandidateSafari')).newPage();
  await candidate.goto(linkIn(invitation.text, 'candidate')!);
  await expect(candidate.textContent('body')).resolves.toContain('a manager from your last role');
  await shot(candidate, 'candidate-page.png');
  const people = [
    { name: 'Charles Babbage', email: 'charles@engines.test', relationship: 'manager' },
    { name: 'Mary Somerville', email: 'mary@royalsociety.test', relationship: 'peer' },
    { name: 'Michael Faraday', email: 'michael@institution.test', relationship: 'other' },
  ];
  await fillReferee(candidate, 0, people[0]);
  await fillReferee(candidate, 1, { ...people[1], email: candidateEmail(opp) }); // their own address: refused
  await fillReferee(candidate, 2, people[2]);
  await candidate.check('[name=consent]');
  await candidate.click('button:has-text("Send")');
  await expect(candidate.textContent('body')).resolves.toContain('This is your own address');
  await candidate.fill('[name=r1_email]', people[1].email);
  await candidate.click('button:has-text("Send")');
  await candidate.waitForSelector('text=Charles Babbage');
  await shot(candidate, 'candidate-status.png');

  // Each referee gets their own invitation; two open their pages on their phones.
  const linkFor = async (email: string) => linkIn((await stack.catcher.waitFor((m) => m.to.includes(email))).text, 'referee')!;
  const [charlesLink, maryLink, michaelLink] = await Promise.all(people.map((p) => linkFor(p.email)));
  const charles = await (await personOnPhone(browser, CANDIDATE_IP, 'Mozilla/5.0 (Android) CharlesChrome')).newPage(); // the candidate's IP
  const mary = await (await personOnPhone(browser, '203.0.113.9', 'Mozilla/5.0 (iPhone) MarySafari')).newPage();
  await Promise.all([charles.goto(charlesLink), mary.goto(maryLink)]);
  const openedAt = Date.now();
  await expect(mary.textContent('body')).resolves.toContain('Ada Lovelace');
  await shot(mary, 'referee-page.png');

  // One declines.
  const michael = await (await personOnPhone(browser, '203.0.113.50', 'Mozilla/5.0 (X11) MichaelFirefox')).newPage();
  await michael.goto(michaelLink);
  await michael.fill('[name=reason]', 'I only met her twice.');
  await michael.click('button:has-text("I can\'t give a reference")');
  await michael.waitForSelector('text=Thank you');

  // The other two read and answer at a human pace (a survey answered in seconds is flagged too).
  await new Promise((r) => setTimeout(r, Math.max(0, openedAt + 31_000 - Date.now())));
  for (const [page, ratings, comment] of [[charles, ['5', '5'], "<script>alert('x')</script> The finest analyst I worked with."], [mary, ['4', '4'], 'Rigorous and generous.']] as const) {
    await page.check(`[name=q_overall][value="${ratings[0]}"]`);
    await page.check(`[name=q_collaboration][value="${ratings[1]}"]`);
    await page.fill('[name=q_comments]', comment);
    await page.click('button:has-text("Send my reference")');
    await page.waitForSelector('text=Thank you');
  }

  // The request concludes; Lever gets one link and one note with the flag counted.
  await waitForStatus(handle, (s) => s.step === 'awaiting-hire-outcome', 30_000);
  await until('the note', () => stack.fake.notes(opp).length === 1);
  expect(stack.fake.notes(opp)[0].value).toContain('Reference check complete: 2 of 3 references, average 4.5/5, 1 flag');
  const [reportUrl] = stack.fake.links(opp);
  expect(stack.fake.links(opp)).toEqual([expect.stringContaining('/reports/')]);

  // The recruiter opens the report from Lever.
  const recruiter = await (await browser.newContext({ viewport: { width: 1100, height: 900 } })).newPage();
  await recruiter.goto(reportUrl);
  const report = (await recruiter.textContent('body'))!;
  expect(report).toContain('2 of 3');
  expect(report).toContain('4.5');
  expect(report).toMatch(/same IP address as the candidate/i);
  expect(report).toContain("<script>alert('x')</script> The finest analyst I worked with.");
  expect(report).toContain('I only met her twice.');
  expect(await recruiter.locator('script').count()).toBe(0);
  await shot(recruiter, 'report.png');

  const referees = await listReferees(stack.db, requestId);
  expect(referees.map((r) => [r.name, r.status])).toEqual([['Charles Babbage', 'answered'], ['Mary Somerville', 'answered'], ['Michael Faraday', 'declined']]);
  await handle.terminate('test done');
}, 120_000);
