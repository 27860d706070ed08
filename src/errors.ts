/**
 * Errors the HTTP layer turns into answers: a stable code, a status and a message that is safe
 * to show (no secrets, no stack). One middleware (http/error-handler.ts) renders them.
 */
export class AppError extends Error {
  constructor(readonly code: string, readonly status: number, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AppError';
  }
}

export const badRequest = (message: string) => new AppError('bad_request', 400, message);
export const unauthorized = (message = 'signature missing or invalid') => new AppError('unauthorized', 401, message);
export const notFound = (message = 'not found') => new AppError('not_found', 404, message);
export const gone = (message: string) => new AppError('gone', 410, message);
export const conflict = (message: string) => new AppError('conflict', 409, message);
export const unavailable = (message: string, cause?: unknown) => new AppError('unavailable', 503, message, { cause });
