import { condition, startChild, workflowInfo, type ChildWorkflowHandle } from '@temporalio/workflow';
import { local, nominations } from './activities';
import { ConnectionIdKey, OpportunityIdKey, refereeWithdrawn, refereeWorkflowId, StatusKey, type NominationSignal, type PortalPlan, type RefereeOutcome, type ReplacementSignal, type Step } from './definitions';
import { refereeCheck } from './referee';
import { waitWithReminders } from './reminders';
import { sendText, texts } from './texts';

export type PortalInbox = { nominated?: NominationSignal; replacements: ReplacementSignal[] };
export type Collected = { requestStatus: 'completed' | 'expired' | 'cancelled'; answered: number; requested: number };

type Tracked = { optional: boolean; outcome?: RefereeOutcome; handle: ChildWorkflowHandle<typeof refereeCheck> };

/**
 * Steps 3 and 4: the candidate names referees (reminded, until their deadline), then one child
 * workflow per referee collects an answer. The request concludes by the template's rule (all
 * required answered, or a minimum), or when every referee has answered, declined or expired:
 * with what came in. A deadline is an outcome, never an error. If Lever archives or deletes the
 * candidate meanwhile, or the check is cancelled in the console, the referees are called off.
 */
export async function collectReferences(c: {
  requestId: string;
  plan: PortalPlan;
  inbox: PortalInbox;
  /** true once Lever archived or deleted the candidate, or the console cancelled the check: everything stops */
  stopped: () => boolean;
  enter: (step: Step, waitingFor?: string) => void;
}): Promise<Collected> {
  const { requestId, plan, inbox, stopped } = c;
  c.enter('awaiting-nominations', `the candidate's referees (deadline ${plan.candidateDeadlineSeconds}s)`);
  const deadlineAt = Date.now() + plan.candidateDeadlineSeconds * 1000;
  let remindersSent = 0;
  let nominated: { refereeId: string; optional: boolean }[] | null = null;
  while (!nominated) {
    const waited = await waitWithReminders({
      done: () => inbox.nominated !== undefined || stopped(),
      deadlineAt,
      plan: plan.reminders,
      alreadySent: remindersSent,
      label: 'candidate',
      remind: async (n) => {
        await local.remindCandidate({ requestId, n });
        if (plan.sms) await sendText(() => texts.textCandidate({ requestId, kind: 'reminder', n }), 'candidate reminder');
      },
    });
    remindersSent = waited.remindersSent;
    if (stopped()) return { requestStatus: 'cancelled', answered: 0, requested: 0 };
    if (!waited.acted) return { requestStatus: 'expired', answered: 0, requested: 0 };
    // The nomination that committed, which is not always the one whose signal came first
    // (activities/portal.ts). None: the signal's transaction never committed, so the candidate's
    // page still asks for referees; wait for their next attempt, as before, until the deadline.
    nominated = await nominations.listNominated({ requestId });
    if (!nominated) inbox.nominated = undefined;
  }

  const referees = new Map<string, Tracked>();
  const start = async (refereeId: string, optional: boolean) => {
    const handle = await startChild(refereeCheck, {
      workflowId: refereeWorkflowId(refereeId),
      args: [{ requestId, refereeId, reminders: plan.reminders, deadlineSeconds: plan.refereeDeadlineSeconds, sms: plan.sms }],
      staticSummary: `Referee ${refereeId} for request ${requestId}`,
      // The candidate's ids, so support's query by opportunity finds the referees' runs too.
      typedSearchAttributes: [
        { key: ConnectionIdKey, value: workflowInfo().typedSearchAttributes.get(ConnectionIdKey) ?? '' },
        { key: OpportunityIdKey, value: workflowInfo().typedSearchAttributes.get(OpportunityIdKey) ?? '' },
        { key: StatusKey, value: 'referee' },
      ],
    });
    const tracked: Tracked = { optional, handle };
    referees.set(refereeId, tracked);
    // A child that fails for good counts as silent, so the request can still conclude.
    handle.result().then((r) => (tracked.outcome = r.outcome), () => (tracked.outcome = 'expired'));
  };
  for (const r of nominated) await start(r.refereeId, r.optional);

  const active = () => [...referees.values()];
  const answered = () => active().filter((r) => r.outcome === 'answered').length;
  const ruleMet = () =>
    plan.conclusion.rule === 'minimum'
      ? answered() >= plan.conclusion.minimum
      : active().filter((r) => !r.optional).every((r) => r.outcome === 'answered') && answered() > 0;
  const allSettled = () => active().every((r) => r.outcome !== undefined);

  let replacementsHandled = 0;
  let shown = -1;
  for (;;) {
    if (answered() !== shown) c.enter('awaiting-referees', `${(shown = answered())} of ${referees.size} referees answered`);
    await condition(() => inbox.replacements.length > replacementsHandled || ruleMet() || allSettled() || answered() !== shown || stopped());
    while (inbox.replacements.length > replacementsHandled) {
      const { oldRefereeId } = inbox.replacements[replacementsHandled++];
      const old = referees.get(oldRefereeId);
      if (!old || old.outcome) continue;
      // The replacement that committed, which is not always the one whose signal came first
      // (activities/portal.ts). None committed: the referee stays, and is still waited for.
      const fresh = await nominations.replacementOf({ refereeId: oldRefereeId });
      if (!fresh) continue;
      referees.delete(oldRefereeId);
      await old.handle.signal(refereeWithdrawn).catch(() => undefined);
      await start(fresh.refereeId, fresh.optional);
    }
    if (ruleMet() || allSettled() || stopped()) break;
  }

  // Concluded: the referees still waiting are called off, so nobody is reminded for nothing.
  for (const r of active()) if (!r.outcome) await r.handle.signal(refereeWithdrawn).catch(() => undefined);
  return { requestStatus: stopped() ? 'cancelled' : ruleMet() ? 'completed' : 'expired', answered: answered(), requested: referees.size };
}
