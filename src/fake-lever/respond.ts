import type { Response } from 'express';

/** Lever's error body is always `{code, message}`; these are the codes for the statuses it documents. */
const CODES: Record<number, string> = {
  400: 'BadRequestError',
  401: 'UnauthorizedError',
  403: 'Forbidden',
  404: 'ResourceNotFound',
  429: 'TooManyRequestsError',
  500: 'InternalServerError',
  503: 'ServiceUnavailable',
};
export const codeFor = (status: number) => CODES[status] ?? 'UnknownError';

export function sendError(res: Response, status: number, message: string, code = codeFor(status)): void {
  // A delayed request whose client or server went away has nowhere to answer.
  if (res.headersSent || res.destroyed) return;
  res.status(status).json({ code, message });
}

/** Set by an `afterWrite` fault: the request runs, then its success is replaced by this status. */
const LOST = 'fakeLeverLostResponseStatus';
export function loseResponse(res: Response, status: number): void {
  res.locals[LOST] = status;
}

/** Every successful route answer goes through here so an `afterWrite` fault can swallow it. */
export function reply(res: Response, status: number, body: unknown): void {
  const lost: unknown = res.locals[LOST];
  if (typeof lost === 'number') return sendError(res, lost, 'Injected fault: the request was performed but its response was lost');
  if (res.headersSent || res.destroyed) return;
  res.status(status).json(body);
}
