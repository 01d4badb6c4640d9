import type { AddressInfo } from 'node:net';
import { createApp } from '../../api/app.ts';
import type { UndocumentedAnswer } from '../../api/docs/document-check.ts';
import { answerClientErrors } from '../../api/http/client-errors.ts';
import { openApiDeps, type ApiDeps } from '../../api/deps.ts';
import type { Env } from '../../shared/config.ts';
import { createLogger, type Logger } from '../../shared/logger.ts';
import type { FileStorage } from '../../shared/storage/storage.ts';
import { testConfig } from './config.ts';
import { HttpClient } from './http-client.ts';
import { startTestStorage } from './storage.ts';

export interface TestApi {
  http: HttpClient;
  deps: ApiDeps;
  /** Answers the API document does not list, as the api reported them. */
  undocumented: UndocumentedAnswer[];
  close(): Promise<void>;
}

/**
 * The real Koa app on a free loopback port, against the test database and Redis. File storage is the
 * one given, else a local directory of its own that is removed on close.
 */
export async function startTestApi(env: Env = {}, options: { storage?: FileStorage; log?: Logger } = {}): Promise<TestApi> {
  const config = testConfig(env);
  const { storage, close: closeStorage } = options.storage ? { storage: options.storage, close: async () => {} } : await startTestStorage('fs');
  const deps = await openApiDeps(config, options.log ?? createLogger(config, 'api-test'), { processMetrics: false, storage });
  // Every answer is checked against the API document: one it does not list fails the suite at close.
  const undocumented: UndocumentedAnswer[] = [];
  const server = createApp(deps, { onUndocumentedAnswer: (answer) => undocumented.push(answer) }).listen(0, '127.0.0.1');
  answerClientErrors(server, deps.log);
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    http: new HttpClient(`http://127.0.0.1:${port}`),
    deps,
    undocumented,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await deps.close();
      await closeStorage();
      if (undocumented.length > 0) {
        const seen = [...new Set(undocumented.map((a) => `${a.method} ${a.route} → ${a.status}${a.code ? ` ${a.code}` : ''}`))];
        throw new Error(`answers missing from the API document (declare them on the route):\n${seen.join('\n')}`);
      }
    },
  };
}
