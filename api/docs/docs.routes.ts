import { Router } from '@koa/router';
import type { ApiState } from '../http/context.ts';
import type { OpenApiDocument } from './openapi.ts';
import { renderReferencePage } from './reference-page.ts';

// The page has no scripts and only inline styles; nothing else may load or run.
const PAGE_POLICY = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** `GET /openapi.json` and `GET /docs`, both rendered once from the document. */
export function docsRoutes(document: OpenApiDocument): Router<ApiState> {
  const json = JSON.stringify(document);
  const page = renderReferencePage(document);
  const router = new Router<ApiState>();
  router.get('/openapi.json', (ctx) => {
    ctx.type = 'application/json';
    ctx.body = json;
  });
  router.get('/docs', (ctx) => {
    ctx.set({ 'Content-Security-Policy': PAGE_POLICY, 'X-Content-Type-Options': 'nosniff' });
    ctx.type = 'text/html; charset=utf-8';
    ctx.body = page;
  });
  return router;
}
