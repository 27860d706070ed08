/**
 * `npm run drill`: N candidates through invitation, answers, publication and hire on the drill's own
 * stack, while workers are SIGKILLed at random, Temporal's dev server and PostgreSQL are restarted
 * mid-run and the fake Lever answers with 5xx, 429, latency and responses lost after the write.
 * Prints each candidate's mails, Lever notes and links and the run's outcome, then a summary; exits
 * non-zero on any loss or duplicate. Usage: npm run drill [-- --candidates 200 --workers 2 --seed 7]
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { projectRoot } from '../../src/dev/project-root';
import type { FaultSpec } from '../../src/fake-lever/faults';
import { runCandidate, type CandidateRun } from './candidate';
import { startDrillStack, type DrillStack } from './stack';

const arg = (name: string, fallback: number) => {
  const at = process.argv.indexOf(`--${name}`);
  const value = at > 0 ? Number(process.argv[at + 1]) : fallback;
  if (!Number.isFinite(value) || value < 1) throw new Error(`--${name} must be a positive number`);
  return value;
};
const CANDIDATES = arg('candidates', 30);
const WORKERS = arg('workers', 2);
/** How long one candidate's check may take under the drill's faults before it counts as lost. */
const BUDGET_MS = arg('budget-seconds', 600) * 1000;
const EXPECTED_NOTES = 2; // the report, then the hire
const EXPECTED_LINKS = 1;

const say = (line: string) => process.stdout.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
const between = (lo: number, hi: number) => lo + Math.random() * (hi - lo);
const pick = <T>(xs: T[]): T => xs[Math.floor(Math.random() * xs.length)];

/** Lever misbehaving the ways Lever does, one fault at a time, for as long as the drill runs. */
function leverFault(): FaultSpec {
  return pick<FaultSpec>([
    { path: '/opportunities', status: 503 },
    { path: '/postings', status: 500 },
    { path: '/opportunities', status: 429, times: 2 },
    { path: '/opportunities', delayMs: 1_500, times: 2 },
    { method: 'POST', path: /\/notes$/, afterWrite: true, status: 502 },
    { method: 'POST', path: /\/addLinks$/, afterWrite: true, status: 504 },
    { method: 'PUT', path: /\/archived$|\/stage$/, afterWrite: true, status: 500 },
  ]);
}

type Chaos = { workerKills: number; temporalRestarts: number; postgresRestarts: number; leverFaults: number };

async function chaos(stack: DrillStack, done: () => boolean, invitedShare: () => number, tally: Chaos) {
  let temporalDone = false;
  let postgresDone = false;
  let temporalAt = 0;
  let faultedAt = 0;
  let nextKill = 0; // the first as soon as a tenth of the candidates are invited, even in a small run
  while (!done()) {
    await pause(1_000);
    // About one fault for every 5 requests Lever sees, so faults never pile up ahead of the work.
    if (stack.fake.requests.length - faultedAt >= 5) {
      faultedAt = stack.fake.requests.length;
      stack.fake.injectFault(leverFault());
      tally.leverFaults += 1;
    }
    // Only a worker that is up, and only while every worker is up: a kill, not an outage of all workers.
    if (Date.now() >= nextKill && invitedShare() >= 0.1 && stack.slots.every((s) => s.ready)) {
      const slot = pick(stack.slots);
      say(`chaos: SIGKILL worker ${slot.n}`);
      stack.killWorker(slot);
      tally.workerKills += 1;
      nextKill = Date.now() + between(15_000, 30_000);
    }
    // Both restarts while candidates are still being invited, as in the measured incident.
    if (!temporalDone && invitedShare() >= 0.25) {
      temporalDone = true;
      say('chaos: Temporal dev server SIGKILLed, restarting on its SQLite file');
      await stack.restartTemporal();
      temporalAt = Date.now();
      tally.temporalRestarts += 1;
      say('chaos: Temporal is back');
    } else if (temporalDone && !postgresDone && invitedShare() >= 0.5 && Date.now() - temporalAt > 2_000) {
      postgresDone = true;
      say('chaos: PostgreSQL stopped in immediate mode, restarting');
      await stack.restartPostgres();
      tally.postgresRestarts += 1;
      say('chaos: PostgreSQL is back');
    }
  }
}

async function main() {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const runs = join(projectRoot(), '.data', 'drill');
  mkdirSync(runs, { recursive: true });
  const dataDir = mkdtempSync(join(runs, 'run-'));
  chmodSync(dataDir, 0o755); // the postgres user must reach its cluster inside
  say(`drill: ${CANDIDATES} candidates, ${WORKERS} workers, data in ${dataDir}`);
  const stack = await startDrillStack(dataDir, WORKERS, say);
  // Interrupted: the workers, Temporal and the cluster go too, not left running.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void stack.close().finally(() => process.exit(130)));
  const tally: Chaos = { workerKills: 0, temporalRestarts: 0, postgresRestarts: 0, leverFaults: 0 };
  let finished = false;
  const started = Date.now();
  try {
    const invitedShare = () => new Set(stack.catcher.messages.flatMap((m) => m.to.filter((t) => t.endsWith('@candidate.test')))).size / CANDIDATES;
    const journeys = Promise.all(Array.from({ length: CANDIDATES }, async (_, i) => {
      await pause(i * 250); // candidates move in over a few seconds, not in one instant
      const run = await runCandidate(stack, i + 1, BUDGET_MS);
      say(`candidate ${i + 1}: ${run.outcome}${run.error ? ` (${run.error})` : ''}`);
      return run;
    }));
    const chaosRunning = chaos(stack, () => finished, invitedShare, tally);
    const results = await journeys.finally(() => { finished = true; });
    await chaosRunning;
    stack.fake.clearFaults();
    const failed = report(stack, results, tally, Date.now() - started);
    process.exitCode = failed ? 1 : 0;
  } finally {
    finished = true;
    await stack.close();
  }
  // A failed drill keeps its folder (worker logs, the Temporal database, the cluster) to look into.
  if (process.exitCode === 0) rmSync(dataDir, { recursive: true, force: true });
  else say(`kept ${dataDir} for inspection`);
}

/** The per-candidate table and the summary; true when anything was lost or duplicated. */
function report(stack: DrillStack, runs: CandidateRun[], tally: Chaos, wallMs: number): boolean {
  const mails = stack.catcher.messages;
  const byKey = new Map<string, Set<string | undefined>>();
  const copies = new Map<string, number>();
  for (const m of mails) for (const to of m.to) {
    const key = `${to}\u0000${m.subject}`;
    byKey.set(key, (byKey.get(key) ?? new Set()).add(m.messageId));
    copies.set(key, (copies.get(key) ?? 0) + 1);
  }
  const duplicates = [...byKey].filter(([, ids]) => ids.size > 1).map(([k]) => k.replace('\u0000', ' / '));
  const sameIdRepeats = [...copies].filter(([k, n]) => n > byKey.get(k)!.size).map(([k]) => k.replace('\u0000', ' / '));
  const to = (who: string) => mails.filter((m) => m.to.includes(who)).length;

  const problems: string[] = [];
  process.stdout.write('\ncandidate          invitations  referee mails  notes  links  outcome\n');
  for (const r of runs) {
    const notes = stack.fake.notes(r.opp).length;
    const links = stack.fake.links(r.opp).length;
    const refereeMails = r.referees.map(to);
    process.stdout.write(`${r.opp.padEnd(18)} ${String(to(r.email)).padStart(11)}  ${refereeMails.join('+').padStart(13)}  ${String(notes).padStart(5)}  ${String(links).padStart(5)}  ${r.outcome}${r.error ? `: ${r.error}` : ''}\n`);
    if (r.outcome !== 'hired') problems.push(`${r.opp}: run ended ${r.outcome}`);
    if (to(r.email) === 0 || refereeMails.some((n) => n === 0)) problems.push(`${r.opp}: an invitation was lost`);
    if (notes !== EXPECTED_NOTES) problems.push(`${r.opp}: ${notes} notes in Lever, expected ${EXPECTED_NOTES}`);
    if (links !== EXPECTED_LINKS) problems.push(`${r.opp}: ${links} links in Lever, expected ${EXPECTED_LINKS}`);
  }
  for (const d of duplicates) problems.push(`duplicate mail (different Message-IDs): ${d}`);
  const hired = runs.filter((r) => r.outcome === 'hired').length;
  const lever = stack.fake.requests;
  process.stdout.write([
    '',
    'summary',
    `  candidates:              ${runs.length}, hired ${hired}, lost ${runs.length - hired}`,
    `  wall time:               ${(wallMs / 1000).toFixed(0)} s`,
    `  chaos:                   ${tally.workerKills} worker SIGKILLs, ${tally.temporalRestarts} Temporal restart, ${tally.postgresRestarts} PostgreSQL restart (immediate), ${tally.leverFaults} Lever faults injected`,
    `  worker restarts:         ${stack.slots.map((s) => s.restarts).reduce((a, b) => a + b, 0)} (${stack.slots.map((s) => s.diedAlone).reduce((a, b) => a + b, 0)} exited by themselves)`,
    `  Lever calls:             ${lever.length} (${lever.filter((r) => r.status === 429).length} x 429, ${lever.filter((r) => r.status >= 500).length} x 5xx)`,
    `  mails:                   ${mails.length}`,
    `  duplicate mails:         ${duplicates.length} (same recipient and subject, different Message-IDs)`,
    `  same-Message-ID repeats: ${sameIdRepeats.length} (the allowed window: a worker killed between SMTP's acceptance and the record)${sameIdRepeats.length ? `\n    ${sameIdRepeats.join('\n    ')}` : ''}`,
    `  problems:                ${problems.length}${problems.length ? `\n    ${problems.join('\n    ')}` : ''}`,
    problems.length ? 'DRILL FAILED' : 'DRILL PASSED',
    '',
  ].join('\n'));
  return problems.length > 0;
}

main().then(() => process.exit(process.exitCode ?? 0), (err) => {
  console.error(err);
  process.exit(1);
});
