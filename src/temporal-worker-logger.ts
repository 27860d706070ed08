import { DefaultLogger, type LogLevel, type LogMetadata } from '@temporalio/worker';

/**
 * The Temporal SDK's own log lines (worker start and stop, failed tasks), without the one warning
 * refcheck's design causes: the worker serving the Lever task queue runs no workflows on purpose
 * (src/worker.ts), and the SDK warns about that at every start. Everything else passes through.
 */
export class TemporalWorkerLogger extends DefaultLogger {
  override log(level: LogLevel, message: string, meta?: LogMetadata): void {
    if (level === 'WARN' && message.startsWith('No workflows registered')) return;
    super.log(level, message, meta);
  }
}
