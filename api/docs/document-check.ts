import type { Middleware } from 'koa';
import type { ApiState } from '../http/context.ts';
import { toOpenApiPath, type OpenApiDocument } from './openapi.ts';

/** An answer the API document does not list for its operation: a status, or an error code under a status. */
export interface UndocumentedAnswer {
  method: string;
  route: string;
  status: number;
  code?: string;
}

/**
 * Compares every answer of a documented operation with the document the api serves: its status
 * must be listed, and an error's code must be among that status's codes. A mismatch means a route's
 * declaration (`errors`, `alsoAnswers`) is missing something its code does: it is reported (a warning
 * in production; tests fail on it), and the client still gets the answer. Sits outside the error
 * handler, so it sees what the client gets. A 500 is a fault of the server, logged as an error where
 * it happens, not an answer a route declares: it is not reported here.
 */
export function documentCheck(document: OpenApiDocument, report: (answer: UndocumentedAnswer) => void): Middleware<ApiState> {
  // Routes are few and fixed: each one's document path is worked out once.
  const pathsOf = new Map<string, string>();
  const documentPath = (route: string) => pathsOf.get(route) ?? pathsOf.set(route, toOpenApiPath(route)).get(route) as string;
  return async (ctx, next) => {
    await next();
    const route = (ctx as { _matchedRoute?: unknown })._matchedRoute;
    if (typeof route !== 'string') return;
    const method = (ctx.method === 'HEAD' ? 'get' : ctx.method.toLowerCase()) as 'get';
    const operation = document.paths[documentPath(route)]?.[method];
    if (!operation || ctx.status === 500) return;
    const response = operation.responses[String(ctx.status)];
    if (!response) return report({ method: ctx.method, route, status: ctx.status, ...errorCodeOf(ctx.body) });
    const code = errorCodeOf(ctx.body).code;
    const listed = documentedCodes(response);
    if (code !== undefined && listed && !listed.includes(code)) report({ method: ctx.method, route, status: ctx.status, code });
  };
}

function errorCodeOf(body: unknown): { code?: string } {
  const code = (body as { error?: { code?: unknown } } | null | undefined)?.error?.code;
  return typeof code === 'string' ? { code } : {};
}

/** The codes an error response lists (`allOf: [Error, {properties: {error: {properties: {code: {enum}}}}}]`), if it lists any. */
export function documentedCodes(response: Record<string, unknown>): string[] | null {
  const schema = (response.content as { 'application/json'?: { schema?: { allOf?: unknown[] } } } | undefined)?.['application/json']?.schema;
  for (const part of schema?.allOf ?? []) {
    const codes = (part as { properties?: { error?: { properties?: { code?: { enum?: unknown } } } } }).properties?.error?.properties?.code?.enum;
    if (Array.isArray(codes)) return codes as string[];
  }
  return null;
}
