import type { AddressInfo } from 'node:net';
import { createApp } from '../../api/app.ts';
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
  const server = createApp(deps).listen(0, '127.0.0.1');
  answerClientErrors(server, deps.log);
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    http: new HttpClient(`http://127.0.0.1:${port}`),
    deps,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await deps.close();
      await closeStorage();
    },
  };
}
