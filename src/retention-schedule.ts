import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import { RETENTION_SWEEP_WORKFLOW, type RetentionSweepInput } from '../workflows/retention';

/** One schedule per task queue: a test's own queue gets its own, and production has one. */
export const retentionScheduleId = (taskQueue: string) => `retention-sweep/${taskQueue}`;

/**
 * Makes sure the retention sweep is scheduled, every `intervalSeconds`; called by each worker at
 * start, so a second worker (or a restart) finds it there already. A changed interval is applied
 * to the existing schedule. Overlaps are skipped: a sweep still running when the next is due
 * finishes the work on its own.
 */
export async function ensureRetentionSchedule(client: Client, opts: { taskQueue: string; intervalSeconds: number }): Promise<'created' | 'updated' | 'unchanged'> {
  const scheduleId = retentionScheduleId(opts.taskQueue);
  const every = opts.intervalSeconds * 1000;
  const args: [RetentionSweepInput] = [{}];
  try {
    await client.schedule.create({
      scheduleId,
      spec: { intervals: [{ every }] },
      action: { type: 'startWorkflow', workflowType: RETENTION_SWEEP_WORKFLOW, taskQueue: opts.taskQueue, workflowId: scheduleId, args },
      policies: { overlap: ScheduleOverlapPolicy.SKIP },
    });
    return 'created';
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
  }
  const handle = client.schedule.getHandle(scheduleId);
  const current = await handle.describe();
  if (current.spec.intervals?.length === 1 && current.spec.intervals[0].every === every) return 'unchanged';
  await handle.update((previous) => ({ ...previous, spec: { intervals: [{ every }] } }));
  return 'updated';
}
