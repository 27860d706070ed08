import { once } from 'node:events';
import { handleFor, waitForStatus } from './helpers/journey';
import { startStack, TRIGGER_STAGE, type Stack } from './helpers/stack';
import { spawnWorker } from './helpers/worker-process';

/**
 * Lever's limit is per API key, not per worker: two real worker processes share one key's
 * bucket through Postgres, and the fake Lever answers 429 the moment they exceed it together.
 */
let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ worker: false });
});
afterAll(() => stack.close());

test('when forty candidates move at once and two worker processes share the API key, then every check starts and Lever never answers 429', async () => {
  // A short horizon, so calls in both processes reach it and are turned away, as a far bigger burst would with the default.
  const config = { ...stack.config, LEVER_SLOT_HORIZON_MS: 1_000 };
  const workers = [spawnWorker(config), spawnWorker(config)];
  try {
    await Promise.all(workers.map((w) => w.ready));
    const opps = Array.from({ length: 40 }, (_, i) => stack.seedCandidate(`opp-burst-${i}`));
    const results = await Promise.all(opps.map((opportunityId) => stack.deliver('candidateStageChange', { opportunityId, toStageId: TRIGGER_STAGE })));
    expect(results.map((r) => r.status)).toEqual(opps.map(() => 202));

    await Promise.all(opps.map((opp) => waitForStatus(handleFor(stack, opp), (s) => s.step === 'awaiting-nominations', 120_000)));
    expect(stack.fake.requests.length).toBeGreaterThanOrEqual(80);
    expect(stack.fake.count429()).toBe(0);

    // Both processes did Lever work (each activity's start names the worker that took it).
    const workerIdentities = new Set<string>();
    for (const opp of opps) {
      const history = await handleFor(stack, opp).fetchHistory();
      for (const e of history.events ?? []) if (e.activityTaskStartedEventAttributes?.identity) workerIdentities.add(e.activityTaskStartedEventAttributes.identity);
    }
    expect(workerIdentities.size).toBe(2);
    await Promise.all(opps.map((opp) => handleFor(stack, opp).terminate('test done')));
  } finally {
    for (const w of workers) {
      w.child.kill('SIGTERM');
      if (w.child.exitCode === null) await once(w.child, 'exit');
    }
  }
}, 240_000);
