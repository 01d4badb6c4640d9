import type { Logger } from '../logger.ts';

/**
 * Runs `stop` once on the first SIGTERM or SIGINT, then exits. A second signal, or a stop that takes
 * longer than `graceMs`, exits at once so a stuck dependency cannot keep the process alive.
 *
 * A child of the supervisor ignores SIGINT: Ctrl-C in a terminal reaches the whole process group,
 * and the child must drain on the supervisor's SIGTERM instead of being hit twice.
 */
export function stopOnSignals(log: Logger, stop: () => Promise<void>, graceMs = 15_000): void {
  logStrayFailures(log);
  const supervised = process.env.WETTY_SUPERVISED === '1';
  let stopping = false;
  const handle = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(1);
    stopping = true;
    log.info({ signal }, 'stopping');
    const timer = setTimeout(() => {
      log.error({ graceMs }, 'stop took too long; exiting');
      process.exit(1);
    }, graceMs);
    timer.unref();
    stop().then(
      () => {
        log.info('stopped');
        process.exit(0);
      },
      (err: unknown) => {
        log.error({ err }, 'stop failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', handle);
  process.on('SIGINT', supervised ? () => log.debug('SIGINT ignored; the supervisor stops this process') : handle);
  // A supervised child whose supervisor vanished (even by SIGKILL) must not live on as an orphan.
  if (process.send) {
    process.on('disconnect', () => {
      if (!stopping) handle('SIGTERM');
    });
  }
}

/**
 * A promise nobody awaited that rejects is a bug (the lint in `npm test` forbids floating promises),
 * but it must not take a whole process and every socket or request in it down: it is logged as an
 * error and the process carries on. An exception thrown out of a callback leaves state unknown: it
 * is logged and the process exits 1, for its supervisor to start a fresh one.
 */
export function logStrayFailures(log: Logger): void {
  if (guarded) return;
  guarded = true;
  process.on('unhandledRejection', (reason: unknown) => log.error({ err: reason }, 'unhandled rejection; carrying on'));
  process.on('uncaughtException', (err: Error) => {
    log.fatal({ err }, 'uncaught exception; exiting');
    process.exit(1);
  });
}
let guarded = false;

/** Starts a role's main function; a startup failure is printed plainly and exits 1. */
export function runMain(role: string, main: () => Promise<void>): void {
  main().catch((err: unknown) => {
    console.error(`${role} failed to start: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
