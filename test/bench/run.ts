/**
 * `npm run bench` (issue 8's figures, P1-P6): one run against its own Temporal dev server,
 * Postgres, fake Lever and real worker processes (`node dist/src/worker.js`), printing each
 * figure beside its goal. `--quick` (default) takes a few minutes; `--full` uses the issue's sizes.
 * Goals are ratios or counts measured in this one run, so they hold on any machine.
 */
import { API_KEY } from '../helpers/stack';
import { runWithStack } from '../tools/with-stack';
import { LEVER_RESOURCES } from '../../src/fake-lever/server';
import { burst, type BurstResult } from './burst';
import { ingressVsBare } from './ingress-latency';
import { leverCallsPerCompleteCheck } from './complete-check';
import { BENCH_KEYS, ms, percentile, retried, SIZES, type Row } from './kit';
import { sleepingRuns, type SleepingResult } from './sleeping-runs';
import { onPhaseTemporal, STEADY_RATE, steadyLoad, type SteadyResult } from './steady-load';

const mode = process.argv.includes('--full') ? 'full' : 'quick';
const size = SIZES[mode];

runWithStack({ worker: false, keyPermissions: Object.fromEntries([API_KEY, ...BENCH_KEYS].map((k) => [k, LEVER_RESOURCES])) }, async (stack) => {
  const started = Date.now();
  const log = (what: string) => console.log(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${what}`);
  const rows: Row[] = [];

  log(`P1: the ingress against a bare start, ${size.ingressRequests} requests per side at 1, 10 and 50 concurrent`);
  const ingress = await ingressVsBare(stack, size.ingressRequests, [1, 10, 50]);
  rows.push(...ingress.rows);

  log(`P2: ${STEADY_RATE} stage changes/s for ${size.steadySeconds} s, idle`);
  const idle: SteadyResult = await steadyLoad(stack, size.steadySeconds);

  log(`P3/P4: a burst of ${size.burst}, 1 worker, 1 connection (P2 runs during it)`);
  let busy: SteadyResult | undefined;
  const one: BurstResult = await burst(stack, {
    candidates: size.burst, workers: 1, connections: 1, idleSamples: size.idleSamples, whileBusy: async (temporal) => {
      const target = await onPhaseTemporal(stack, temporal);
      busy = await steadyLoad(stack, size.steadySeconds, target);
      await target.close();
    },
  });
  // Another organisation's candidates during this burst (not the first: P2's extra load runs there).
  log(`P3: a burst of ${size.burst}, 2 workers, 1 connection, and another connection's ${size.bystanders} candidates meanwhile`);
  const two: BurstResult = await burst(stack, { candidates: size.burst, workers: 2, connections: 1, bystanders: size.bystanders });
  log(`P3: a burst of ${size.burst}, 4 workers, 1 connection`);
  const four: BurstResult = await burst(stack, { candidates: size.burst, workers: 4, connections: 1 });
  log(`P3: a burst of ${size.burst}, 2 workers, 2 connections`);
  const twoConns: BurstResult = await burst(stack, { candidates: size.burst, workers: 2, connections: 2 });

  log('P6: one complete check');
  const perCheck = await leverCallsPerCompleteCheck(stack);

  log(`P5: ${size.sleepingSmall} then ${size.sleepingLarge} runs asleep in the hire wait, in waves of ${size.sleepingSmall} (WORKER_MAX_CACHED_WORKFLOWS as configured)`);
  const sleepingDefault: SleepingResult = await sleepingRuns(stack, { small: size.sleepingSmall, large: size.sleepingLarge, keys: size.sleepingKeys });
  let sleepingUncapped: SleepingResult | undefined;
  if (size.uncappedContrast) {
    log(`P5: again with the SDK's own cache size (WORKER_MAX_CACHED_WORKFLOWS unset in Temporal's terms: 100000)`);
    sleepingUncapped = await sleepingRuns(stack, { small: size.sleepingSmall, large: size.sleepingLarge, keys: size.sleepingKeys, workerEnv: { WORKER_MAX_CACHED_WORKFLOWS: '100000' } });
  }

  // P2
  const b = busy!;
  rows.push({ figure: `P2 ack p99 at ${STEADY_RATE}/s, idle: ingress vs bare start`, measured: `${ms(idle.ingressP99)} vs ${ms(idle.bareP99)}${idle.refused ? ` (${idle.refused} failed)` : ''}`, goal: 'baseline' });
  rows.push({
    figure: `P2 ack p99 at ${STEADY_RATE}/s, workers busy: ingress vs bare start (same time)`, measured: `${ms(b.ingressP99)} vs ${ms(b.bareP99)} (ratio ${(b.bareP99 / b.ingressP99).toFixed(2)})${b.refused ? `, ${b.refused} failed` : ''}`,
    goal: 'bare / ingress >= 0.9', met: (b.bareP99 / b.ingressP99 >= 0.9 && b.refused === 0),
  });
  // P3
  for (const r of [one, two, four, twoConns]) {
    const name = `P3 burst ${r.candidates}, ${r.workers} worker${r.workers > 1 ? 's' : ''}, ${r.connections} connection${r.connections > 1 ? 's' : ''}`;
    rows.push({ figure: `${name}: runs invited / duplicates`, measured: `${r.started} / ${r.duplicates}`, goal: `${r.candidates} / 0`, met: r.started === r.candidates && r.duplicates === 0 });
    rows.push({ figure: `${name}: 429s from Lever`, measured: String(r.status429), goal: '0', met: r.status429 === 0 });
    for (const [i, k] of r.perKey.entries()) {
      rows.push({
        figure: `${name}: key ${i + 1} Lever calls/s (budget used)`, measured: `${k.callsPerSecond.toFixed(1)}/s (${(k.budgetUsed * 100).toFixed(0)}%)`,
        goal: '<= 10/s, >= 80%', met: k.callsPerSecond <= 10 && k.budgetUsed >= 0.8,
      });
    }
  }
  // P3, fairness: another connection's candidates during the two-worker burst.
  rows.push({
    figure: `P3 fairness: another connection's ${two.bystanderLatencies.length} candidates during the 2-worker burst, invitation p50 / max (idle p50 ${ms(percentile(one.idleLatencies, 0.5))})`,
    measured: `${ms(percentile(two.bystanderLatencies, 0.5))} / ${ms(Math.max(...two.bystanderLatencies))} (batch ${ms(two.batchMs)})`,
    goal: 'max <= 0.1 x batch', met: Math.max(...two.bystanderLatencies) <= 0.1 * two.batchMs,
  });
  rows.push({
    figure: 'P3 fairness: their Lever calls\' wait for the worker (schedule to start), p50 / max',
    measured: `${ms(percentile(two.bystanderLeverWaits, 0.5))} / ${ms(Math.max(...two.bystanderLeverWaits))}`,
    goal: '<= 1 s', met: Math.max(...two.bystanderLeverWaits) <= 1_000,
  });
  // P4
  rows.push({ figure: 'P4 stage change -> invitation, idle p50', measured: ms(percentile(one.idleLatencies, 0.5)), goal: '(figure)' });
  rows.push({
    figure: `P4 burst ${one.candidates}: p50 / p99 / batch`, measured: `${ms(percentile(one.latencies, 0.5))} / ${ms(percentile(one.latencies, 0.99))} / ${ms(one.batchMs)}`,
    goal: 'p50 <= 0.55 x batch', met: percentile(one.latencies, 0.5) <= 0.55 * one.batchMs,
  });
  // P5
  for (const [label, s] of [['configured cache', sleepingDefault], ['uncapped cache', sleepingUncapped]] as const) {
    if (!s) continue;
    const ratio = s.rssLargeKb / s.rssSmallKb;
    rows.push({
      figure: `P5 worker RSS, ${s.small} vs ${s.large} runs asleep (${label})`, measured: `${(s.rssSmallKb / 1024).toFixed(0)} vs ${(s.rssLargeKb / 1024).toFixed(0)} MB (x${ratio.toFixed(2)})`,
      goal: '<= 1.2x', met: label === 'configured cache' ? ratio <= 1.2 : undefined,
    });
  }
  // P6
  const perStart = one.leverCalls / one.started;
  rows.push({ figure: `P6 Lever calls per start (one-posting burst of ${one.candidates})`, measured: perStart.toFixed(2), goal: '<= 1.1', met: perStart <= 1.1 });
  rows.push({ figure: 'P6 Lever calls per complete check', measured: String(perCheck), goal: '<= 8', met: perCheck <= 8 });

  rows.push({ figure: 'stage changes sent again after a 5xx or a lost connection (as Lever retries)', measured: String(retried.n), goal: '0', met: retried.n === 0 });
  const table = [['figure', 'measured', 'goal', 'met'], ...rows.map((r) => [r.figure, r.measured, r.goal, r.met === undefined ? '-' : r.met ? 'yes' : 'NO'])];
  const widths = table[0].map((_, c) => Math.max(...table.map((row) => row[c].length)));
  console.log(`\nrefcheck bench (${mode}, ${new Date().toISOString()}, ${((Date.now() - started) / 1000).toFixed(0)} s)\n`);
  for (const d of ingress.details) console.log(d);
  console.log('');
  for (const [i, row] of table.entries()) {
    console.log(`| ${row.map((cell, c) => cell.padEnd(widths[c])).join(' | ')} |`);
    if (i === 0) console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  }
});
