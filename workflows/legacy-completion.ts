import { condition } from '@temporalio/workflow';
import { local } from './activities';
import type { RequestCompletedSignal, Step } from './definitions';
import type { Collected } from './collect-references';
import { summaryLine } from './summary';

/**
 * How runs started before the reference portal collect references: one `requestCompleted`
 * signal from the completion API, or the deadline. Kept (behind `patched('reference-portal')`)
 * so those runs, asleep in their hire-confirmation wait, replay unchanged.
 */
export async function awaitCompletionSignal(c: {
  requestId: string;
  templateName: string;
  deadlineSeconds: number;
  requiredReferences: number;
  completion: () => RequestCompletedSignal | undefined;
  enter: (step: Step, waitingFor?: string) => void;
}): Promise<Collected & { summary: string }> {
  c.enter('awaiting-references', `the candidate's referees (template "${c.templateName}", deadline ${c.deadlineSeconds}s)`);
  const completed = await condition(() => c.completion() !== undefined, c.deadlineSeconds * 1000, { summary: 'reference deadline' });
  const responses = c.completion()?.responses ?? [];
  const requestStatus = completed ? 'completed' : 'expired';
  await local.concludeRequest({ requestId: c.requestId, status: requestStatus, responses });
  return { requestStatus, answered: responses.length, requested: c.requiredReferences, summary: summaryLine(requestStatus, responses, c.requiredReferences) };
}
