import type { WorkflowHandle } from '@temporalio/client';
import type { Relationship } from '../../src/templates/schema';
import { referenceCheckWorkflowId, statusQuery, type ReferenceCheckStatus } from '../../workflows/definitions';
import type { referenceCheck } from '../../workflows/reference-check';
import { Visitor } from './portal';
import { candidateEmail, TRIGGER_STAGE, type Stack } from './stack';

export function handleFor(stack: Stack, opportunityId: string): WorkflowHandle<typeof referenceCheck> {
  return stack.client.workflow.getHandle(referenceCheckWorkflowId(stack.connectionId, opportunityId));
}

/** Polls the workflow's `status` query until `pred` holds: what support would watch in the UI. */
export async function waitForStatus(handle: WorkflowHandle, pred: (s: ReferenceCheckStatus) => boolean, timeoutMs = 30_000): Promise<ReferenceCheckStatus> {
  const deadline = Date.now() + timeoutMs;
  let last: ReferenceCheckStatus | undefined;
  while (Date.now() < deadline) {
    last = await handle.query(statusQuery).catch(() => undefined);
    if (last && pred(last)) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`status never matched; last: ${JSON.stringify(last)}`);
}

export async function until<T>(what: string, fn: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const v = await fn();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Moves a seeded candidate into the trigger stage and waits until the candidate has been invited. */
export async function startCheck(stack: Stack, opportunityId: string) {
  const res = await stack.deliver('candidateStageChange', { opportunityId, toStageId: TRIGGER_STAGE, fromStageId: 'stage-new' });
  if (res.status !== 202) throw new Error(`expected HTTP 202, got ${res.status}`);
  const handle = handleFor(stack, opportunityId);
  const status = await waitForStatus(handle, (s) => s.step === 'awaiting-nominations');
  return { handle, requestId: status.requestId! };
}

export const linkIn = (text: string, kind: 'candidate' | 'referee') => new RegExp(`(http://\\S+/${kind}/\\S+)`).exec(text)?.[1];

/** A referee as the tests name and answer them. */
export type TestReferee = { name: string; email: string; relationship: Relationship; ratings: string[]; strengths: string };

export const refereesOf = (opportunityId: string): TestReferee[] => [
  { name: 'Charles Babbage', email: `charles.${opportunityId}@engine.test`, relationship: 'manager', ratings: ['5', '5', '4'], strengths: 'Brilliant <script>alert(1)</script> analyst' },
  { name: 'Mary Somerville', email: `mary.${opportunityId}@engine.test`, relationship: 'peer', ratings: ['4', '5', '4'], strengths: 'Generous with her time' },
];

/** Whom the candidate names when they replace a silent referee. */
export const newcomerOf = (opportunityId: string): TestReferee =>
  ({ name: 'Edsger Dijkstra', email: `edsger.${opportunityId}@ref.test`, relationship: 'peer', ratings: ['5', '4', '5'], strengths: 'Clear thinking' });

/** The candidate's page, through the link in their invitation. */
async function candidatePage(stack: Stack, opportunityId: string) {
  const invitation = await stack.catcher.waitFor((m) => m.to.includes(candidateEmail(opportunityId)) && Boolean(linkIn(m.text, 'candidate')));
  const candidate = new Visitor('', { ip: '198.51.100.10', userAgent: 'CandidatePhone/1.0' });
  const page = linkIn(invitation.text, 'candidate')!;
  await candidate.get(page);
  return { candidate, page };
}

/** A referee answers through the link refcheck mailed them, from their own address and browser. */
export async function answerAs(stack: Stack, r: TestReferee, from: { ip: string; userAgent: string }, extra: Record<string, string> = {}) {
  const mail = await stack.catcher.waitFor((m) => m.to.includes(r.email) && Boolean(linkIn(m.text, 'referee')));
  const visitor = new Visitor('', from);
  const link = linkIn(mail.text, 'referee')!;
  await visitor.get(link);
  const [overall, reliability, collaboration] = r.ratings;
  const answered = await visitor.post(link, {
    name: r.name, title: 'Engineer', company: 'Analytical Engines', relationship: r.relationship,
    q_overall: overall, q_reliability: reliability, q_collaboration: collaboration, q_rehire: 'Yes, gladly', q_strengths: r.strengths, ...extra,
  }, {}, '/answer');
  if (answered.status !== 303) throw new Error(`answer failed (${answered.status}): ${answered.html.slice(0, 500)}`);
}

/**
 * The candidate names two referees on their page and both answer on theirs, each from their own
 * address and browser, through the links refcheck mailed them. Ratings average 4.5.
 */
export async function giveReferences(stack: Stack, opportunityId: string, opts: { answer?: number; optIn?: boolean } = {}) {
  const { candidate, page } = await candidatePage(stack, opportunityId);
  const referees = refereesOf(opportunityId);
  const fields: Record<string, string> = { consent: 'yes' };
  referees.forEach((r, i) => Object.assign(fields, { [`r${i}_name`]: r.name, [`r${i}_email`]: r.email, [`r${i}_relationship`]: r.relationship, [`r${i}_company`]: 'Analytical Engines', [`r${i}_title`]: 'Engineer', [`r${i}_worked`]: '1833-1842' }));
  const nominated = await candidate.post(page, fields, {}, '/nominate');
  if (nominated.status !== 303) throw new Error(`nomination failed (${nominated.status}): ${nominated.html.slice(0, 500)}`);

  for (const [i, r] of referees.slice(0, opts.answer ?? referees.length).entries()) {
    // The first referee would like to hear about jobs: a prospect.
    await answerAs(stack, r, { ip: `203.0.113.${20 + i}`, userAgent: `RefereeBrowser/${i}` }, opts.optIn && i === 0 ? { opt_in_jobs: 'yes' } : {});
  }
  return referees;
}

/** The candidate replaces a silent referee with the newcomer on their page, as soon as the page offers it (replaceAfterSeconds). */
export async function replaceReferee(stack: Stack, opportunityId: string, refereeId: string) {
  const { candidate, page } = await candidatePage(stack, opportunityId);
  await until('the page offering the replacement', async () => (await candidate.get(page)).html.includes(`/referees/${refereeId}/replace`));
  const { name, email, relationship } = newcomerOf(opportunityId);
  const replaced = await candidate.post(page, { new_name: name, new_email: email, new_relationship: relationship, new_company: 'THE', new_title: 'Professor', new_worked: '2020' }, {}, `/referees/${refereeId}/replace`);
  if (replaced.status !== 303) throw new Error(`replacement failed (${replaced.status}): ${replaced.html.slice(0, 500)}`);
}

/** A check taken from the stage change through both referees' answers to the hire wait: its report is in Lever. */
export async function checkAwaitingHire(stack: Stack, opportunityId: string, opts: Parameters<typeof giveReferences>[2] = {}) {
  const started = await startCheck(stack, opportunityId);
  await giveReferences(stack, opportunityId, opts);
  const status = await waitForStatus(started.handle, (s) => s.step === 'awaiting-hire-outcome');
  return { ...started, status };
}

/** The demo owner (Grace Hopper in the stack's fake Lever), who is asked whether the candidate was hired. */
export const OWNER_EMAIL = 'grace@acme.test';

/** A check run through its references to the owner's hire question; the question's mail and the hire links' code. */
export async function untilOwnerIsAsked(stack: Stack, opportunityId: string) {
  const before = stack.catcher.messages.length;
  const { handle } = await startCheck(stack, opportunityId);
  await giveReferences(stack, opportunityId);
  await waitForStatus(handle, (s) => s.step === 'awaiting-owner-answer', 20_000);
  const mail = await stack.catcher.waitFor((m) => m.id > before && m.to.includes(OWNER_EMAIL), 10_000);
  return { handle, mail, code: /\/hire\/([^.\s]+)\./.exec(mail.text)![1] };
}

/** The run still waits for the owner: nothing they or anyone else sent settled it. */
export const stillAwaitingOwner = async (handle: WorkflowHandle) =>
  expect((await handle.query(statusQuery)).step).toBe('awaiting-owner-answer');
