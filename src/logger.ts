import pino from 'pino';

/**
 * Structured logs. Secrets and personal data never belong in a log line; the redact list is a
 * second net for fields that might slip through (an error carrying a request, a Lever payload).
 */
export function createLogger(level = 'info', name = 'refcheck', destination?: pino.DestinationStream) {
  return pino({
    name,
    level,
    redact: {
      paths: [
        'apiKey', '*.apiKey', 'signingToken', '*.signingToken', 'signingTokens', '*.signingTokens',
        'token', '*.token', 'signature', '*.signature', 'authorization', '*.authorization',
        'headers.authorization', 'req.headers.authorization', 'email', '*.email', '*.name',
        'candidateName', 'candidateEmail', '*.candidateName', '*.candidateEmail',
      ],
      censor: '[redacted]',
    },
  }, destination);
}

export type Logger = ReturnType<typeof createLogger>;
