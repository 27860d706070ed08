import { loadConfig } from './config';
import { createDb } from './db/pool';
import { createLogger } from './logger';
import { inboundSmtpOptions, startInboundSmtp } from './mail/inbound-smtp';
import { createMailer } from './mail/mailer';
import { serveMetrics } from './metrics';
import { exitOnBadConfig, onShutdown } from './process';
import { ReferenceChecks } from './reference-checks';
import { createTemporalClient } from './temporal';

/**
 * The mail listener process: SMTP for replies to the hire question, and nothing else. It takes
 * mail from anyone on the internet, so it runs apart from the api: a flood here cannot slow the
 * Lever webhooks or the pages. Stateless; INBOUND_SMTP_PORT=0 means replies come by webhook instead.
 */
async function main() {
  const config = exitOnBadConfig(loadConfig);
  const logger = createLogger(config.LOG_LEVEL, 'refcheck-mail-listener');
  if (!config.INBOUND_SMTP_PORT) {
    logger.info('INBOUND_SMTP_PORT is 0: no SMTP listener (hire replies come by the inbound webhook, if at all)');
    return;
  }
  const db = createDb(config.DATABASE_URL, 5);
  const { client, connection } = createTemporalClient(config);
  const checks = new ReferenceChecks(client, config.TEMPORAL_TASK_QUEUE);
  const mailer = createMailer(config.SMTP_URL, config.MAIL_FROM);
  const options = inboundSmtpOptions(config);
  const inbound = await startInboundSmtp({ db, checks, mailer, inboundMailDomain: config.INBOUND_MAIL_DOMAIN, logger }, options);
  logger.info({ port: inbound.port, host: options.host, starttls: Boolean(options.tls), maxClients: options.maxClients }, 'mail listener ready');
  // Node's own figures (memory, event-loop lag) for Prometheus, beside SMTP; its health check stays an SMTP connect.
  const metrics = config.MAIL_LISTENER_METRICS_PORT ? await serveMetrics({ host: config.METRICS_HOST, port: config.MAIL_LISTENER_METRICS_PORT }) : undefined;

  onShutdown(logger, async () => {
    await inbound.close();
    await metrics?.close();
    await connection.close();
    await db.close();
    mailer.close();
  });
}

void main();
