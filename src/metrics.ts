import { createServer, type Server } from 'node:http';
import { collectDefaultMetrics, Registry } from 'prom-client';

/**
 * This process's Prometheus registry: Node's own figures (heap, event-loop lag, GC, open handles)
 * plus what the process adds (src/http/metrics.ts for the api). The worker's figures come from the
 * Temporal SDK's exporter instead (src/metrics-worker.ts).
 */
export const registry = new Registry();
collectDefaultMetrics({ register: registry });

export type MetricsServer = { port: number; close: () => Promise<void> };

/**
 * GET /metrics and GET /healthz on a port of their own, never the public one: what runs where,
 * how busy it is and which outcomes occur is for the operator, not for whoever reaches the proxy.
 * /healthz answers while the process serves, so a container's health check can use the same port.
 */
export async function serveMetrics(opts: { host: string; port: number }): Promise<MetricsServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') return void res.writeHead(405, { allow: 'GET, HEAD' }).end();
    if (path === '/metrics') {
      registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
        () => res.writeHead(500).end(),
      );
      return;
    }
    if (path === '/healthz') return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true }));
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  return {
    port: (server.address() as { port: number }).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
