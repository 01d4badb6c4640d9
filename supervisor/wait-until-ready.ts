import http from 'node:http';

/**
 * Polls a `/readyz` URL until it answers 200, or rejects after `timeoutMs`.
 * Uses node:http rather than `fetch`: fetch refuses ports it calls unsafe (6000, 6665–6669, 10080, …)
 * although the OS lets a server listen there.
 */
export async function waitUntilReady(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if ((await statusOf(url, 1000)) === 200) return;
    if (Date.now() > deadline) throw new Error(`${url} was not ready within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The status of a GET, or null when nothing answers within `timeoutMs`. */
export function statusOf(url: string, timeoutMs: number): Promise<number | null> {
  return new Promise((resolve) => {
    const req = http.get(url, { timeout: timeoutMs, agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? null);
    });
    req.once('timeout', () => req.destroy());
    req.once('error', () => resolve(null));
  });
}
