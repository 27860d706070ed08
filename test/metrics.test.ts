import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import YAML from 'yaml';
import { toEnv } from '../src/config';
import { createDb } from '../src/db/pool';
import { freePort } from '../src/dev/processes';
import { projectRoot } from '../src/dev/project-root';
import { buildApp, type AppDeps } from '../src/http/app';
import { serveMetrics, type MetricsServer } from '../src/metrics';
import { createTemporalClient } from '../src/temporal';
import { handleFor, until } from './helpers/journey';
import { openPortalRequest } from './helpers/portal';
import { startStack, TRIGGER_STAGE, type Stack } from './helpers/stack';
import { spawnWorker } from './helpers/worker-process';

/**
 * What an operator's Prometheus and Docker see, through HTTP: the api's /metrics (on its own port),
 * the worker's Temporal metrics, the mail listener's, /healthz and /readyz, and the health checks
 * docker-compose.yml runs, executed here against the real processes.
 */
let stack: Stack;
let metrics: MetricsServer;
beforeAll(async () => {
  stack = await startStack({ worker: false });
  metrics = await serveMetrics({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await metrics.close();
  await stack.close();
});

const scrape = async (url: string) => (await fetch(url)).text();
/** One sample's value, by exact name and labels in Prometheus's text format; undefined if absent. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = (m[2] ?? '').split(/,(?=[a-zA-Z_]\w*=")/).filter(Boolean);
    if (wanted.every((w) => have.includes(w))) return Number(m[3]);
  }
  return undefined;
}

/** The `node -e` script of a compose service's health check, run here as Docker would run it in the container. */
const compose = YAML.parse(readFileSync(join(projectRoot(), 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, { healthcheck: { test: string[] } }>;
};
async function runHealthCheck(service: string, env: Record<string, string>): Promise<number | null> {
  const [kind, command, flag, script] = compose.services[service].healthcheck.test;
  expect([kind, command, flag]).toEqual(['CMD', 'node', '-e']);
  const child = spawn(process.execPath, ['-e', script], { env: { PATH: process.env.PATH, ...env }, stdio: 'ignore' });
  const [code] = (await once(child, 'exit')) as [number | null];
  return code;
}

describe('the api', () => {
  it('counts webhooks by event and outcome, refusals by reason, acknowledgement latency by status and portal requests by page and status, on its metrics port only', async () => {
    const url = `http://127.0.0.1:${metrics.port}/metrics`;
    const before = await scrape(url);
    const count = (text: string, name: string, labels: Record<string, string>) => sample(text, name, labels) ?? 0;

    const opportunityId = stack.seedCandidate();
    expect((await stack.deliver('candidateStageChange', { opportunityId, toStageId: TRIGGER_STAGE })).status).toBe(202);
    expect((await stack.deliver('candidateStageChange', { opportunityId, toStageId: 'stage-other' })).status).toBe(200);
    expect((await stack.deliver('candidateStageChange', { opportunityId, toStageId: TRIGGER_STAGE }, { token: 'not-the-token' })).status).toBe(401);
    const { token } = await openPortalRequest(stack, { running: false });
    expect((await fetch(`${stack.apiUrl}/candidate/${token}`)).status).toBe(200);
    expect((await fetch(`${stack.apiUrl}/referee/withdraw/not.alink`, { method: 'POST' })).status).toBeGreaterThanOrEqual(400);

    // Counted when each response finishes: the scrape may come a moment after the client has its answer.
    const after = await until('the portal requests in /metrics', async () => {
      const text = await scrape(url);
      return sample(text, 'refcheck_portal_requests_total', { page: 'candidate', status: '200' }) !== undefined && text;
    });
    const delta = (name: string, labels: Record<string, string>) => count(after, name, labels) - count(before, name, labels);
    expect(delta('refcheck_lever_webhooks_total', { event: 'candidateStageChange', outcome: 'started' })).toBe(1);
    expect(delta('refcheck_lever_webhooks_total', { event: 'candidateStageChange', outcome: 'ignored-stage' })).toBe(1);
    expect(delta('refcheck_lever_webhooks_refused_total', { reason: 'unverified' })).toBe(1);
    expect(delta('refcheck_lever_webhook_ack_seconds_count', { status: '202' })).toBe(1);
    expect(delta('refcheck_lever_webhook_ack_seconds_count', { status: '401' })).toBe(1);
    expect(delta('refcheck_lever_webhook_ack_seconds_bucket', { status: '202', le: '+Inf' })).toBe(1);
    expect(delta('refcheck_portal_requests_total', { page: 'candidate', status: '200' })).toBe(1);
    expect(sample(after, 'refcheck_portal_requests_total', { page: 'referee/withdraw' })).toBeGreaterThanOrEqual(1);
    // Node's own figures come with them.
    expect(after).toMatch(/^nodejs_eventloop_lag_seconds /m);
    // No connection, candidate or link ever becomes a label.
    for (const secret of [stack.connectionId, opportunityId, token, 'alink']) expect(after).not.toContain(secret);

    // The public port (the one the proxy serves) has no /metrics.
    expect((await fetch(`${stack.apiUrl}/metrics`)).status).toBe(404);
    await handleFor(stack, opportunityId).terminate('test done');
  });

  it('answers /healthz while it runs, and /readyz 503 (naming which) when Postgres or Temporal is down, as the compose health check reads it', async () => {
    const deps: AppDeps = { config: stack.config, db: stack.db, box: stack.box, links: stack.links, temporal: stack.client, checks: stack.checks, logger: stack.logger };
    const deadDb = createDb(`postgresql://refcheck@127.0.0.1:${await freePort()}/nowhere`, 1);
    const deadTemporal = createTemporalClient({ ...stack.config, TEMPORAL_ADDRESS: `127.0.0.1:${await freePort()}` });
    const apis = {
      up: await listen(buildApp(deps)),
      noPostgres: await listen(buildApp({ ...deps, db: deadDb })),
      noTemporal: await listen(buildApp({ ...deps, temporal: deadTemporal.client })),
    };
    try {
      const get = async (port: number, path: string) => {
        const res = await fetch(`http://127.0.0.1:${port}${path}`);
        return { status: res.status, body: await res.json() };
      };
      for (const api of Object.values(apis)) expect(await get(port(api), '/healthz')).toEqual({ status: 200, body: { ok: true } });
      expect(await get(port(apis.up), '/readyz')).toEqual({ status: 200, body: { postgres: true, temporal: true } });
      expect(await get(port(apis.noPostgres), '/readyz')).toEqual({ status: 503, body: { postgres: false, temporal: true } });
      expect(await get(port(apis.noTemporal), '/readyz')).toEqual({ status: 503, body: { postgres: true, temporal: false } });
      // docker-compose.yml's health check for refcheck-api, with the container's PORT.
      expect(await runHealthCheck('refcheck-api', { PORT: String(port(apis.up)) })).toBe(0);
      expect(await runHealthCheck('refcheck-api', { PORT: String(port(apis.noPostgres)) })).toBe(1);
    } finally {
      for (const api of Object.values(apis)) await new Promise((r) => api.close(r));
      await deadDb.close();
      await deadTemporal.connection.close().catch(() => undefined);
    }
  });
});

describe('the worker', () => {
  it("serves the Temporal SDK's worker metrics on WORKER_METRICS_PORT, which its compose health check reads, until it stops", async () => {
    const metricsPort = await freePort();
    const worker = spawnWorker({ ...stack.config, METRICS_HOST: '127.0.0.1', WORKER_METRICS_PORT: metricsPort });
    const opportunityId = stack.seedCandidate();
    try {
      await worker.ready;
      // A run, so the worker polls a workflow task and records its schedule-to-start latency.
      expect((await stack.deliver('candidateStageChange', { opportunityId, toStageId: TRIGGER_STAGE })).status).toBe(202);
      const url = `http://127.0.0.1:${metricsPort}/metrics`;
      const text = await until('the workflow and activity task latencies in the worker metrics', async () => {
        const t = await scrape(url);
        return /^temporal_workflow_task_schedule_to_start_latency_count\{/m.test(t) && /^temporal_activity_schedule_to_start_latency_count\{/m.test(t) && t;
      });
      const queue = { task_queue: stack.config.TEMPORAL_TASK_QUEUE, namespace: stack.config.TEMPORAL_NAMESPACE };
      for (const worker_type of ['WorkflowWorker', 'ActivityWorker']) {
        expect(sample(text, 'temporal_worker_task_slots_available', { ...queue, worker_type })).toBeGreaterThan(0);
        expect(sample(text, 'temporal_worker_task_slots_used', { ...queue, worker_type })).toBeDefined();
      }
      expect(sample(text, 'temporal_workflow_task_schedule_to_start_latency_count', queue)).toBeGreaterThanOrEqual(1);
      // The dashboard's worker panels query what the SDK exports (failures appear with the first failure).
      const dashboard = readFileSync(join(projectRoot(), 'docs', 'grafana', 'refcheck.json'), 'utf8');
      const queried = new Set(dashboard.match(/\btemporal_\w+/g));
      queried.delete('temporal_activity_execution_failed_total');
      expect([...queried].filter((family) => !new RegExp(`^${family}[{ ]`, 'm').test(text))).toEqual([]);
      expect(await runHealthCheck('refcheck-worker', { WORKER_METRICS_PORT: String(metricsPort) })).toBe(0);
      await handleFor(stack, opportunityId).terminate('test done');
    } finally {
      await stop(worker.child);
    }
    expect(await runHealthCheck('refcheck-worker', { WORKER_METRICS_PORT: String(metricsPort) })).toBe(1);
  }, 120_000);
});

describe('the mail listener', () => {
  it('serves /metrics and /healthz on MAIL_LISTENER_METRICS_PORT beside SMTP, which its compose health check reaches', async () => {
    const [smtpPort, metricsPort] = [await freePort(), await freePort()];
    const script = join(projectRoot(), 'dist', 'src', 'mail-listener.js');
    if (!existsSync(script)) throw new Error('dist/src/mail-listener.js is missing: run `npm run build` first');
    const env = { ...toEnv(stack.config), INBOUND_SMTP_PORT: String(smtpPort), METRICS_HOST: '127.0.0.1', MAIL_LISTENER_METRICS_PORT: String(metricsPort), LOG_LEVEL: 'info' };
    const child = spawn(process.execPath, [script], { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
    try {
      const base = `http://127.0.0.1:${metricsPort}`;
      const healthz = await until('the mail listener', () => fetch(`${base}/healthz`).then((r) => r.status, () => undefined));
      expect(healthz).toBe(200);
      const text = await scrape(`${base}/metrics`);
      expect(text).toMatch(/^process_resident_memory_bytes /m);
      expect(await runHealthCheck('mail-listener', { INBOUND_SMTP_PORT: String(smtpPort) })).toBe(0);
    } finally {
      await stop(child);
    }
  }, 60_000);
});

async function listen(app: ReturnType<typeof buildApp>): Promise<Server> {
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return server;
}
const port = (server: Server) => (server.address() as AddressInfo).port;

async function stop(child: ChildProcess) {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  await once(child, 'exit');
}
