import type { ErrorRequestHandler } from 'express';
import { AppError } from '../errors';
import type { Logger } from '../logger';

/**
 * The one place errors become answers: `{ error: code, message }`, never a stack or a secret.
 * body-parser's own errors (bad JSON, too large) carry a `type` and a `status`.
 */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const known = toAppError(err);
    if (known.status >= 500) logger.error({ err: { name: err?.name, message: err?.message }, path: req.route?.path ?? 'unknown' }, 'request failed');
    else logger.warn({ code: known.code, status: known.status, path: req.route?.path ?? firstSegment(req.path) }, known.message);
    if (res.headersSent) return;
    res.status(known.status).json({ error: known.code, message: known.message });
  };
}

function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const e = err as { type?: string; status?: number };
  if (e?.type === 'entity.too.large') return new AppError('payload_too_large', 413, 'request body is too large');
  if (e?.type === 'entity.parse.failed') return new AppError('malformed_json', 400, 'request body is not valid JSON');
  if (e?.type === 'charset.unsupported' || e?.type === 'encoding.unsupported') return new AppError('unsupported_encoding', 415, 'unsupported body encoding');
  // Express's own client errors (a path that cannot be decoded, e.g. `%zz`) are the client's, not an outage.
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) return new AppError('bad_request', e.status, 'bad request');
  return new AppError('internal', 500, 'internal error');
}

/** An unmatched path's first segment only: the rest may be a signed link (`/reports/<token>/x`), which must not reach the logs. */
const firstSegment = (path: string) => `/${path.split('/')[1] ?? ''}`;
