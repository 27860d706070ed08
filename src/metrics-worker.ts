import type { RuntimeOptions } from '@temporalio/worker';
import type { Config } from './config';

/**
 * The worker's metrics are the Temporal SDK's own (task slots used and available, pollers, schedule-to-start
 * and execution latencies, failures, sticky cache), exported by its Rust core on WORKER_METRICS_PORT at
 * /metrics. Runtime.install takes these options once, before the first connection.
 * Seconds and `_total` counters, as Prometheus names them everywhere else (the dashboard relies on it).
 */
export function workerTelemetry(config: Pick<Config, 'METRICS_HOST' | 'WORKER_METRICS_PORT'>): RuntimeOptions | undefined {
  if (!config.WORKER_METRICS_PORT) return undefined;
  const host = config.METRICS_HOST.includes(':') ? `[${config.METRICS_HOST}]` : config.METRICS_HOST;
  return {
    telemetryOptions: {
      metrics: {
        prometheus: { bindAddress: `${host}:${config.WORKER_METRICS_PORT}`, useSecondsForDurations: true, countersTotalSuffix: true },
      },
    },
  };
}
