import { pino, type DestinationStream, type Logger } from 'pino';
import pretty from 'pino-pretty';
import type { Config } from './config.ts';

export type { Logger };

/**
 * Logs on stdout: JSON lines, or pretty-printed for a person when running in development on a
 * terminal. Secrets are redacted by path; message bodies are never passed to the logger.
 */
export function createLogger(config: Pick<Config, 'logLevel'> & { env?: Config['env'] }, role: string): Logger {
  const options = {
    level: config.logLevel,
    base: { role, pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: ['token', 'password', '*.token', '*.password', 'req.headers.authorization', 'headers.authorization'],
      censor: '[redacted]',
    },
  };
  const readable = config.env === 'development' && process.stdout.isTTY === true;
  return readable ? pino(options, prettyStream()) : pino(options);
}

/** Synchronous, so nothing is lost when a process exits right after logging. */
function prettyStream(): DestinationStream {
  return pretty({ sync: true, colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'hostname' });
}

/**
 * A logger for the few lines an operator must always see (where the system listens), whatever
 * LOG_LEVEL is, even `silent`.
 */
export function announcer(log: Logger): Logger {
  return log.child({}, { level: 'info' });
}
