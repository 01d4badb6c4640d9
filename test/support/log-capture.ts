import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';

export interface LogLine {
  level: number;
  msg?: string;
  [field: string]: unknown;
}

/** A real pino logger whose JSON lines are kept in memory, to assert what a run logged and at which level. */
export function capturingLogger(level = 'info'): { log: Logger; lines: LogLine[]; errors: () => LogLine[]; warnings: () => LogLine[] } {
  const lines: LogLine[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line) lines.push(JSON.parse(line) as LogLine);
      done();
    },
  });
  const log = pino({ level }, sink);
  return { log, lines, errors: () => lines.filter((l) => l.level >= 50), warnings: () => lines.filter((l) => l.level === 40) };
}
