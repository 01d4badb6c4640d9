/**
 * Exponential backoff with full jitter (AWS's "full jitter"): a uniformly random delay in
 * `[0, min(maxMs, baseMs · 2^attempt))`. Spreads a crowd of clients reconnecting after a node restart.
 */
export function fullJitterDelay(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 30));
  return Math.floor(random() * ceiling);
}
