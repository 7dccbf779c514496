import { pino, type Logger as PinoLogger } from 'pino';

export type Logger = PinoLogger;

/**
 * JSON logs on stderr-free stdout. Redaction is defence in depth: request logs never include
 * bodies or Authorization/X-Amz-Security-Token headers in the first place.
 */
export function createLogger(level: string): Logger {
  return pino({
    level,
    redact: {
      paths: ['req.headers.authorization', 'req.headers["x-amz-security-token"]', 'req.headers.cookie', '*.secretAccessKey', '*.SecretKey', '*.SessionToken'],
      censor: '[redacted]',
    },
  });
}
