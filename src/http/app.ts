import express from 'express';
import helmet from 'helmet';
import type { Client } from '@temporalio/client';
import type { Config } from '../config';
import type { Db } from '../db/pool';
import { notFound } from '../errors';
import type { LinkSigner } from '../links';
import type { Logger } from '../logger';
import type { ReferenceChecks } from '../reference-checks';
import type { SecretBox } from '../secrets';
import { TEMPORAL_CALL_DEADLINE_MS } from '../temporal';
import { codecRouter } from './codec';
import { consoleRouter } from './console';
import { errorHandler } from './error-handler';
import { inboundMailRouter } from './inbound-mail';
import { leverWebhookRouter } from './lever-webhook';
import { countPortalRequests, timeWebhookAcks } from './metrics';
import { pagesRouter } from './pages';
import { portalRouter } from './portal-pages';
import { PORTAL_PATHS, portalRateLimit } from './portal-rate-limit';
import { templatesApiRouter } from './templates-api';

export type AppDeps = {
  config: Config;
  db: Db;
  box: SecretBox;
  links: LinkSigner;
  temporal: Client;
  checks: ReferenceChecks;
  logger: Logger;
};

/** The api process's HTTP surface, without listen(): tests boot it on port 0. */
export function buildApp(deps: AppDeps) {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', deps.config.TRUST_PROXY);
  app.use(helmet({ contentSecurityPolicy: { directives: { 'form-action': ["'self'"] } } }));

  app.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });
  app.get('/readyz', async (_req, res) => {
    const [db, temporal] = await Promise.all([
      deps.db.query('select 1').then(() => true, () => false),
      deps.temporal
        .withDeadline(Date.now() + TEMPORAL_CALL_DEADLINE_MS, () => deps.temporal.workflowService.getSystemInfo({}))
        .then(() => true, () => false),
    ]);
    res.status(db && temporal ? 200 : 503).json({ postgres: db, temporal });
  });

  // /metrics is not here: it has a port of its own (API_METRICS_PORT), which the proxy never serves.
  app.use('/webhooks/lever', timeWebhookAcks());
  app.use(leverWebhookRouter(deps));
  app.use(templatesApiRouter(deps));
  app.use(inboundMailRouter(deps));
  app.use(PORTAL_PATHS, countPortalRequests());
  app.use(PORTAL_PATHS, portalRateLimit(deps.config, deps.logger));
  app.use(portalRouter(deps));
  app.use(pagesRouter(deps));
  app.use(consoleRouter(deps));
  app.use(codecRouter(deps));
  app.use(() => {
    throw notFound();
  });
  app.use(errorHandler(deps.logger));
  return app;
}
