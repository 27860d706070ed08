import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Client } from '@temporalio/client';
import type { Config } from '../../src/config';
import { freePort } from '../../src/dev/processes';
import { projectRoot } from '../../src/dev/project-root';
import { startTemporalDevServer, temporalBinary } from '../../src/dev/temporal-server';
import { createTemporalClient } from '../../src/temporal';
import { insertConnection, type WebhookEvent } from '../../src/db/connections';
import { insertTemplate } from '../../src/db/templates';
import { buildApp } from '../../src/http/app';
import { ReferenceChecks } from '../../src/reference-checks';
import type { TemplateSettings } from '../../src/templates/schema';
import { defaultTemplateSettings } from '../../src/templates/surveys';
import { TRIGGER_STAGE, type Stack } from '../helpers/stack';
import { spawnWorker as startWorkerProcess } from '../helpers/worker-process';

/** One line of the final table: a figure beside its goal. `met` undefined: a figure with no goal of its own. */
export type Row = { figure: string; measured: string; goal: string; met?: boolean };

/** --quick: about eight minutes on a 2-core machine; --full: the sizes the issue names (about 25 minutes). */
export type Size = {
  /** P1: requests per side and row */
  ingressRequests: number;
  burst: number; idleSamples: number; sleepingSmall: number; sleepingLarge: number; steadySeconds: number;
  /** another connection's candidates sent during the one-worker burst (fairness) */
  bystanders: number;
  /** P5 again with the SDK's own cache size, for contrast (it doubles P5's time) */
  uncappedContrast: boolean;
  /** connections (one API key each) the sleeping runs are spread over, so Lever's 10/s per key is not what P5 measures */
  sleepingKeys: number;
};
export const SIZES: Record<'quick' | 'full', Size> = {
  quick: { ingressRequests: 120, burst: 150, idleSamples: 3, bystanders: 4, sleepingSmall: 50, sleepingLarge: 500, steadySeconds: 10, sleepingKeys: 10, uncappedContrast: false },
  full: { ingressRequests: 300, burst: 1_000, idleSamples: 10, bystanders: 10, sleepingSmall: 500, sleepingLarge: 5_000, steadySeconds: 30, sleepingKeys: 20, uncappedContrast: false },
};

/** Lever's documented budget per API key; the fake Lever enforces it (10/s, bursts to 20). */
export const LEVER_LIMIT_PER_SECOND = 10;
/** Extra API keys the fake Lever accepts, one per bench connection. */
export const BENCH_KEYS = Array.from({ length: 48 }, (_, i) => `bench-key-${i}`);

export const percentile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))] : NaN;
};
export const ms = (x: number) => (x >= 10_000 ? `${(x / 1000).toFixed(1)} s` : `${x.toFixed(1)} ms`);
export const sleep = (t: number) => new Promise((r) => setTimeout(r, t));
const id = (prefix: string) => `${prefix}_${randomBytes(6).toString('hex')}`;

export async function until(what: string, fn: () => boolean | Promise<boolean>, timeoutMs: number, everyMs = 250) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await fn()) return;
    await sleep(everyMs);
  }
  throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
}

export type BenchConnection = { connectionId: string; apiKey: string; tokens: Record<WebhookEvent, string>; prefix: string };

/** A connection of its own (own API key, own default template) on the stack's fake Lever. */
export async function addConnection(stack: Stack, apiKey: string, opts: { hireConfirmationDelaySeconds?: number; template?: Partial<TemplateSettings> } = {}): Promise<BenchConnection> {
  const connectionId = id('bench-conn');
  const tokens = Object.fromEntries(
    (['candidateStageChange', 'candidateHired', 'candidateArchiveChange', 'candidateDeleted'] as WebhookEvent[]).map((e) => [e, randomBytes(24).toString('hex')]),
  ) as Record<WebhookEvent, string>;
  await insertConnection(stack.db, stack.box, {
    id: connectionId, name: `Bench ${apiKey}`, leverBaseUrl: stack.fake.url, apiKey, triggerStageId: TRIGGER_STAGE,
    hireConfirmationDelaySeconds: opts.hireConfirmationDelaySeconds ?? 3600, ownerAnswerTimeoutSeconds: 3600,
    hireSync: 'note-and-tag', signingTokens: tokens, organisationId: stack.organisationId,
  });
  await insertTemplate(stack.db, connectionId, { id: id('tpl'), name: 'Standard', atsTag: null, isDefault: true, settings: defaultTemplateSettings(opts.template ?? {}) });
  return { connectionId, apiKey, tokens, prefix: `${connectionId}-opp` };
}

/** Candidates on one posting, in the trigger stage in Lever, ready for their stage-change webhook. */
export function seedCandidates(stack: Stack, c: BenchConnection, n: number, from = 0): string[] {
  stack.fake.addUser({ id: 'user-owner', name: 'Grace Hopper', email: 'grace@acme.test' });
  const postingId = `${c.connectionId}-posting`;
  stack.fake.addPosting({ id: postingId, text: 'Staff Engineer', tags: ['Engineering'], owner: 'user-owner' });
  return Array.from({ length: n }, (_, i) => {
    const opportunityId = `${c.prefix}-${from + i}`;
    stack.fake.addOpportunity({ id: opportunityId, name: 'Ada Lovelace', emails: [`ada.${opportunityId}@candidate.test`], stage: TRIGGER_STAGE, owner: 'user-owner', postingId });
    return opportunityId;
  });
}
export const emailOf = (opportunityId: string) => `ada.${opportunityId}@candidate.test`;

/** A Temporal for one phase: its client and the config (address) its api and workers use. */
export type PhaseTemporal = { client: Client; config: Config; stop: () => Promise<void> };

/**
 * A Temporal dev server of the burst's own, started empty, so no burst pays for another phase's
 * history. The dev server keeps visibility in SQLite, where each upsert's cost grows with the rows
 * already there: on the suite's shared server the same 1,000-candidate burst used ~20% more server
 * CPU after 3,000 earlier runs, and its Lever budget use fell from ~84% to ~72-78%.
 */
export async function phaseTemporal(stack: Stack): Promise<PhaseTemporal> {
  const server = await startTemporalDevServer({ binary: temporalBinary(projectRoot()), port: await freePort() });
  const config: Config = { ...stack.config, TEMPORAL_ADDRESS: server.address };
  const { client, connection } = createTemporalClient(config);
  return {
    client, config,
    stop: async () => {
      await connection.close();
      await server.stop();
    },
  };
}

/**
 * An api of the phase's own (same code as the api process: buildApp), starting runs on the phase's
 * task queue, so a phase's workers see only its own runs; on the phase's Temporal when it has one.
 */
export async function phaseApi(stack: Stack, taskQueue: string, temporal: { client: Client; config: Config } = stack) {
  const config: Config = { ...temporal.config, TEMPORAL_TASK_QUEUE: taskQueue };
  const server: Server = createServer(buildApp({ config, db: stack.db, box: stack.box, links: stack.links, temporal: temporal.client, checks: new ReferenceChecks(temporal.client, taskQueue), logger: stack.logger }));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return {
    config,
    /** A stage change into the trigger stage, signed as Lever signs it; resolves with the HTTP status. */
    async stageChange(c: BenchConnection, opportunityId: string): Promise<number> {
      const body = stack.fake.signWebhook('candidateStageChange', { opportunityId, toStageId: TRIGGER_STAGE, fromStageId: 'stage-new' }, c.tokens.candidateStageChange);
      const res = await fetch(`${url}/webhooks/lever/${c.connectionId}/candidateStageChange`, {
        method: 'POST', headers: { 'content-type': 'application/json', 'user-agent': 'Lever-Webhooks' }, body: JSON.stringify(body),
      });
      await res.arrayBuffer();
      return res.status;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** Sends each item's stage change, `concurrency` at a time; returns when each was sent (epoch ms), by key. */
/** Stage changes the bench had to send again (the ingress answered 5xx or the connection was lost). */
export const retried = { n: 0 };
export async function sendAll<T>(send: (item: T) => Promise<number>, items: T[], keyOf: (item: T) => string, concurrency = 20): Promise<Map<string, number>> {
  const sentAt = new Map<string, number>();
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < items.length) {
      const item = items[next++];
      const t = Date.now();
      // As Lever does: a 5xx (Temporal busy) or a lost connection is sent again; the latency counts from the first send.
      let status = 0;
      for (let attempt = 0; attempt < 10 && status !== 202; attempt++) {
        if (attempt) {
          retried.n++;
          await sleep(1_000 * attempt);
        }
        status = await send(item).catch(() => 0);
        if (status >= 400 && status < 500) break;
      }
      if (status !== 202) throw new Error(`stage change for ${keyOf(item)}: HTTP ${status}`);
      sentAt.set(keyOf(item), t);
    }
  }));
  return sentAt;
}

export type WorkerProcess = { child: ChildProcess; rssKb: () => number; stop: () => Promise<void> };

/** The real worker process (`node dist/src/worker.js`) on the phase's task queue, once it polls. */
export async function spawnWorker(config: Config, extraEnv: Record<string, string> = {}): Promise<WorkerProcess> {
  const { child, ready } = startWorkerProcess(config, { env: extraEnv, keepOutput: false });
  await ready;
  return {
    child,
    rssKb: () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? NaN),
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

export const newTaskQueue = (phase: string) => id(`bench-${phase}`);
export const now = () => performance.now();
