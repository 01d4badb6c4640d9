import { pino, type Logger } from 'pino';
import type { Config } from './config.ts';

export type { Logger };

/** JSON logs on stdout. Secrets are redacted by path; message bodies are never passed to the logger. */
export function createLogger(config: Pick<Config, 'logLevel'>, role: string): Logger {
  return pino({
    level: config.logLevel,
    base: { role, pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: ['token', 'password', '*.token', '*.password', 'req.headers.authorization', 'headers.authorization'],
      censor: '[redacted]',
    },
  });
}
