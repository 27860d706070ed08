import { condition } from '@temporalio/workflow';
import type { HireDecidedSignal } from './definitions';
import { local } from './activities';

export type HireWait = {
  delaySeconds: number;
  ownerAnswerTimeoutSeconds: number;
  /** Lever names an owner with an address (who they are stays in Postgres) */
  hasOwnerEmail: boolean;
  requestId: string;
  /** the latest hire signal, if any: read live, set by the signal handler */
  decision: () => HireDecidedSignal | undefined;
  /** Lever archived or deleted the candidate, or the console cancelled the check: stop waiting (the caller reads why) */
  stopped: () => boolean;
  onAskingOwner: () => void;
};

/**
 * Lever's "Candidate Hired" (confirmed with Lever) or a mark in the console races the
 * hire-confirmation delay; a decision that came while references were collected ends the wait at
 * once. If the delay wins, the owner is asked by mail; their click or reply arrives as the same
 * signal. Silence (or no owner to ask) is an outcome, `undefined`, not an error.
 */
export async function awaitHireOutcome(w: HireWait): Promise<HireDecidedSignal | undefined> {
  const decided = () => w.decision() !== undefined || w.stopped();
  if (await condition(decided, w.delaySeconds * 1000, { summary: 'hire-confirmation delay' })) return w.decision();
  if (!w.hasOwnerEmail || w.stopped()) return undefined;

  w.onAskingOwner();
  await local.askOwnerAboutHire({ requestId: w.requestId });
  await condition(decided, w.ownerAnswerTimeoutSeconds * 1000, { summary: "owner's answer" });
  return w.decision();
}
