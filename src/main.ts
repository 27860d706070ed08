import { loadConfig } from './config';
import { createDb } from './db/pool';
import { buildApp } from './http/app';
import { LinkSigner } from './links';
import { createLogger } from './logger';
import { ReferenceChecks } from './reference-checks';
import { SecretBox } from './secrets';
import { createTemporalClient } from './temporal';
import { exitOnBadConfig, onShutdown } from './process';
import { serveMetrics } from './metrics';

/** The api process: Lever webhooks, pages, admin API, the inbound-mail webhook. Stateless; run as many as needed. SMTP is src/mail-listener.ts. */
async function main() {
  const config = exitOnBadConfig(loadConfig);
  const logger = createLogger(config.LOG_LEVEL, 'refcheck-api');
  const db = createDb(config.DATABASE_URL);
  const { client, connection } = createTemporalClient(config);
  const checks = new ReferenceChecks(client, config.TEMPORAL_TASK_QUEUE);
  const box = new SecretBox(config.REFCHECK_ENCRYPTION_KEY);
  const app = buildApp({ config, db, box, links: new LinkSigner(config.REFCHECK_LINK_SECRET), temporal: client, checks, logger });

  const server = app.listen(config.PORT, () => logger.info({ port: config.PORT, publicUrl: config.PUBLIC_URL }, 'api listening'));
  const metrics = config.API_METRICS_PORT ? await serveMetrics({ host: config.METRICS_HOST, port: config.API_METRICS_PORT }) : undefined;

  onShutdown(logger, async () => {
    await new Promise((r) => server.close(r));
    await metrics?.close();
    await connection.close();
    await db.close();
  });
}

void main();
