import Koa from 'koa';
import { operatorCredentials } from '../shared/config.ts';
import { QUEUE_BOARD_PATH, queueBoard } from './admin/queue-board.ts';
import { webhookAdminRoutes } from './admin/webhooks.routes.ts';
import type { ApiDeps } from './deps.ts';
import { apiDocument } from './docs/api-document.ts';
import { documentCheck, type UndocumentedAnswer } from './docs/document-check.ts';
import { docsRoutes } from './docs/docs.routes.ts';
import type { ApiState } from './http/context.ts';
import { crossOrigin } from './http/cors.ts';
import { errorHandler, logLateError } from './http/error-handler.ts';
import { healthRoutes } from './http/health.routes.ts';
import { httpMetrics } from './http/http-metrics.ts';
import { jsonBody } from './http/json-body.ts';
import { readYourWrites } from './http/read-your-writes.ts';
import { requestLog } from './http/request-log.ts';
import { buildRouter } from './http/route.ts';
import { apiRoutes } from './routes.ts';
import { pageSettings, webApp } from './web/web-app.ts';

/** Paths whose bodies are streamed by their route instead of parsed as JSON (routes declaring `rawBody`). */
const streamingPaths = new Set(apiRoutes.filter((r) => r.rawBody).map((r) => r.path));
const isStreamingPath = (path: string) => streamingPaths.has(path);

/** Builds the Koa application: middleware in the order a request meets it, then each module's routes. */
export function createApp(
  deps: ApiDeps,
  options: { isDraining?: () => boolean; webAppDir?: string; onUndocumentedAnswer?: (answer: UndocumentedAnswer) => void } = {},
): Koa<ApiState> {
  // Behind a proxy the client address is the one the proxy appended last to X-Forwarded-For: the
  // entries before it come from the client, which could pick any address to dodge per-address limits.
  const app = new Koa<ApiState>({ proxy: deps.config.api.trustProxy, maxIpsCount: 1 });
  const isDraining = options.isDraining ?? (() => false);
  // Errors Koa sees after a response began, and those of mounted sub-applications (the queue board).
  app.on('error', logLateError(deps.log));

  app.use(requestLog(deps.log));
  app.use(httpMetrics(deps.metrics, [QUEUE_BOARD_PATH]));
  const document = apiDocument();
  app.use(documentCheck(document, (answer) => {
    deps.log.warn(answer, 'answer missing from the API document');
    options.onUndocumentedAnswer?.(answer);
  }));
  app.use(errorHandler(deps.log));
  app.use(crossOrigin(deps.config.cors, deps.config.cors.maxAgeSeconds));
  // The board parses its own bodies, so it comes before the JSON body middleware.
  app.use(queueBoard(deps.queues, operatorCredentials(deps.config)));
  app.use(jsonBody(deps.config.api.jsonLimitBytes, isStreamingPath));
  app.use(readYourWrites(deps.reads, deps.log));
  // Wetty Web at `/` (its routes under /app/, files under /assets/); every other path is the API's.
  app.use(webApp({ dir: options.webAppDir, settings: pageSettings(deps.config) }));

  const operator = operatorCredentials(deps.config);
  for (const router of [healthRoutes(deps, isDraining), docsRoutes(document), webhookAdminRoutes(deps, operator), buildRouter(deps, apiRoutes)]) {
    app.use(router.routes());
    app.use(router.allowedMethods({ throw: true }));
  }
  return app;
}
