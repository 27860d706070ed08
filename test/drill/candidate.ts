import type { WebhookEvent } from '../../src/db/connections';
import { referenceCheckWorkflowId, statusQuery, type ReferenceCheckStatus } from '../../workflows/definitions';
import { linkIn } from '../helpers/journey';
import { Visitor } from '../helpers/portal';
import { TRIGGER_STAGE } from '../helpers/stack';
import type { DrillStack } from './stack';

export type CandidateRun = { opp: string; email: string; referees: string[]; outcome: string; error?: string };

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Tries `step` until it says it is done, through outages (a person or Lever trying again), or gives up at `deadline`. */
async function untilDone<T>(what: string, deadline: number, step: () => Promise<T | undefined>): Promise<T> {
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await step();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    await pause(500);
  }
  throw new Error(`gave up on ${what}${last ? `: ${String(last)}` : ''}`);
}

/** Lever delivering a webhook: retried until refcheck acknowledges it, as Lever retries. */
async function deliver(stack: DrillStack, deadline: number, event: WebhookEvent, data: object) {
  await untilDone(`the ${event} webhook`, deadline, async () => {
    const body = stack.fake.signWebhook(event, data, stack.signingTokens[event]);
    const res = await fetch(`${stack.apiUrl}/webhooks/lever/${stack.connectionId}/${event}`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'user-agent': 'Lever-Webhooks' }, body: JSON.stringify(body),
    });
    return res.status < 300 ? true : undefined;
  });
}

async function status(stack: DrillStack, opp: string, deadline: number, pred: (s: ReferenceCheckStatus) => boolean, what: string) {
  const handle = stack.client().workflow.getHandle(referenceCheckWorkflowId(stack.connectionId, opp));
  return untilDone(what, deadline, async () => {
    const s = await handle.query(statusQuery);
    return pred(s) ? s : undefined;
  });
}

/** A person following a link: loads the page (until it loads) and posts the form (until it is taken). */
async function submit(link: string, who: Visitor, fields: Record<string, string>, suffix: string, deadline: number) {
  await untilDone(`the form at ${suffix}`, deadline, async () => {
    const page = await who.get(link);
    if (page.status !== 200) return undefined;
    const res = await who.post(link, fields, {}, suffix);
    if (res.status === 303) return true;
    // Already taken by an attempt whose answer was lost: the page now says thank you, not the form.
    const again = await who.get(link);
    return again.status === 200 && !again.html.includes('name="_csrf"') ? true : undefined;
  });
}

/**
 * One candidate's whole check, as people and Lever would drive it: moved into the trigger stage,
 * invited, names two referees who both answer, the check publishes to Lever, then the candidate
 * is hired in Lever and the run ends.
 */
export async function runCandidate(stack: DrillStack, i: number, budgetMs: number): Promise<CandidateRun> {
  const opp = `opp-drill-${String(i).padStart(4, '0')}`;
  const email = `cand${i}@candidate.test`;
  const referees = [`ref${i}a@referee.test`, `ref${i}b@referee.test`];
  const run: CandidateRun = { opp, email, referees, outcome: 'unfinished' };
  const deadline = Date.now() + budgetMs;
  try {
    const owner = `user-owner-${i}`;
    stack.fake.addUser({ id: owner, name: `Owner ${i}`, email: `owner${i}@acme.test` });
    stack.fake.addPosting({ id: `post-drill-${i}`, text: 'Staff Engineer', tags: ['Engineering'], owner });
    stack.fake.addOpportunity({ id: opp, name: `Candidate ${i}`, emails: [email], stage: TRIGGER_STAGE, owner, postingId: `post-drill-${i}` });
    await deliver(stack, deadline, 'candidateStageChange', { opportunityId: opp, toStageId: TRIGGER_STAGE, fromStageId: 'stage-new' });

    const invitation = await stack.catcher.waitFor((m) => m.to.includes(email) && Boolean(linkIn(m.text, 'candidate')), deadline - Date.now());
    const candidate = new Visitor('', { ip: '198.51.100.10', userAgent: `Candidate/${i}` });
    const fields: Record<string, string> = { consent: 'yes' };
    referees.forEach((r, k) => Object.assign(fields, { [`r${k}_name`]: `Referee ${i}${k}`, [`r${k}_email`]: r, [`r${k}_relationship`]: k ? 'peer' : 'manager', [`r${k}_company`]: 'Engines', [`r${k}_title`]: 'Engineer', [`r${k}_worked`]: '2019-2023' }));
    await submit(linkIn(invitation.text, 'candidate')!, candidate, fields, '/nominate', deadline);

    for (const [k, r] of referees.entries()) {
      const mail = await stack.catcher.waitFor((m) => m.to.includes(r) && Boolean(linkIn(m.text, 'referee')), deadline - Date.now());
      const visitor = new Visitor('', { ip: `203.0.113.${k + 1}`, userAgent: `Referee/${i}/${k}` });
      await submit(linkIn(mail.text, 'referee')!, visitor, {
        name: `Referee ${i}${k}`, title: 'Engineer', company: 'Engines', relationship: k ? 'peer' : 'manager',
        q_overall: '5', q_reliability: '4', q_collaboration: '5', q_rehire: 'Yes', q_strengths: 'Careful',
      }, '/answer', deadline);
    }

    await status(stack, opp, deadline, (s) => s.step === 'awaiting-hire-outcome', 'publication to Lever');
    stack.fake.archive(opp, 'reason-hired');
    await deliver(stack, deadline, 'candidateHired', { opportunityId: opp });
    const handle = stack.client().workflow.getHandle(referenceCheckWorkflowId(stack.connectionId, opp));
    const result = await untilDone('the run to end', deadline, async () => (await handle.result()) as { outcome: string });
    run.outcome = result.outcome;
  } catch (err) {
    run.error = err instanceof Error ? err.message : String(err);
  }
  return run;
}
