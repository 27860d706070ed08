/**
 * P6 (second half): the Lever calls one complete check costs, from the stage change to a hire
 * Lever confirms, through the portal (the candidate names two referees, both answer), counted
 * at the fake Lever for that candidate, its posting and the account's archive reasons.
 */
import { giveReferences } from '../helpers/journey';
import type { Stack } from '../helpers/stack';
import { freshKeys } from './burst';
import { addConnection, newTaskQueue, phaseApi, seedCandidates, spawnWorker, until } from './kit';

export async function leverCallsPerCompleteCheck(stack: Stack): Promise<number> {
  const api = await phaseApi(stack, newTaskQueue('check'));
  const worker = await spawnWorker(api.config);
  try {
    const [key] = freshKeys(1);
    const conn = await addConnection(stack, key);
    const [opp] = seedCandidates(stack, conn, 1);
    const first = stack.fake.requests.length;
    if ((await api.stageChange(conn, opp)) !== 202) throw new Error('stage change refused');
    await giveReferences(stack, opp);
    await until('the report in Lever', () => stack.fake.notes(opp).length >= 1, 120_000);
    stack.fake.archive(opp, 'reason-hired');
    const body = stack.fake.signWebhook('candidateHired', { opportunityId: opp }, conn.tokens.candidateHired);
    const res = await fetch(`${stack.apiUrl}/webhooks/lever/${conn.connectionId}/candidateHired`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'user-agent': 'Lever-Webhooks' }, body: JSON.stringify(body),
    });
    if (res.status !== 202) throw new Error(`hired webhook: HTTP ${res.status}`);
    await until('the hire in Lever', () => stack.fake.tags(opp).includes('refcheck: hired'), 120_000);
    await new Promise((r) => setTimeout(r, 1_000));
    const postingId = stack.fake.store.opportunity(opp).postingId!;
    return stack.fake.requests.slice(first).filter((r) => r.path.includes(opp) || r.path.includes(postingId) || r.path.includes('archive_reasons')).length;
  } finally {
    await worker.stop();
    await api.close();
  }
}
