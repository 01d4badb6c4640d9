/**
 * Failed deliveries are retried with exponential backoff — 1 s, 2 s, 4 s … capped at an hour — until
 * 24 hours have passed since the event; then the job fails for good (and can be retried by hand
 * from the queue board).
 */
export const RETRY_FIRST_DELAY_MS = 1000;
export const RETRY_MAX_DELAY_MS = 3600 * 1000;
export const RETRY_WINDOW_MS = 24 * 3600 * 1000;

export const retryDelay = (attemptsMade: number) => Math.min(RETRY_FIRST_DELAY_MS * 2 ** Math.max(0, attemptsMade - 1), RETRY_MAX_DELAY_MS);

/** The delay before the next try, or -1 (no more tries) when it would fall outside the retry window. */
export function nextRetryDelay(attemptsMade: number, eventCreatedAt: string, now = Date.now()): number {
  const delay = retryDelay(attemptsMade);
  return now + delay - Date.parse(eventCreatedAt) > RETRY_WINDOW_MS ? -1 : delay;
}

/** Enough attempts to fill the window; the window, not this count, ends the retries. */
export function retryAttempts(): number {
  let attempts = 1;
  for (let elapsed = 0; elapsed < RETRY_WINDOW_MS; attempts++) elapsed += retryDelay(attempts);
  return attempts + 1;
}
