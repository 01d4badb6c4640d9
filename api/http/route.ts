import { Router } from '@koa/router';
import { z } from 'zod';
import type { AuthContext } from '../../shared/auth/authenticate.ts';
import { badRequest } from '../../shared/errors.ts';
import { findTextProblems } from '../../shared/validation/text.ts';
import type { ApiDeps } from '../deps.ts';
import type { ApiContext, ApiState } from './context.ts';
import { requireAuth } from './require-auth.ts';

type Schema = z.ZodType;
type Infer<S> = S extends Schema ? z.infer<S> : undefined;

/** A handler's answer when the success status depends on the outcome (e.g. 201 stored, 202 queued). */
export class Reply {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {}
}

/** What a handler receives: the parsed inputs, the caller (for signed-in routes) and the raw context. */
export interface RouteInput<P, Q, B, A extends boolean> {
  params: Infer<P>;
  query: Infer<Q>;
  body: Infer<B>;
  auth: A extends true ? AuthContext : undefined;
  ctx: ApiContext;
}

/**
 * One HTTP endpoint as data: method, path, who may call it, the zod schema of each input, and the
 * handler. The router and the OpenAPI document are both built from these, so they cannot drift.
 * The handler's return value is the JSON body (undefined → no body, 204 by default).
 */
export interface RouteSpec<P = Schema | undefined, Q = Schema | undefined, B = Schema | undefined, A extends boolean = boolean> {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** Koa path syntax, e.g. `/users/:uid`. */
  path: string;
  summary: string;
  tag: string;
  auth: A;
  params?: P;
  query?: Q;
  body?: B;
  /** Success status; defaults to 200 with a body, 204 without. */
  status?: number;
  /** The shape of a success body, for the API document. */
  response?: Schema;
  /**
   * Every error this route (its service, and the worker it waits for) can answer beyond the ones
   * every route of its kind has (see `api/docs/route-errors.ts`), by status with their codes, e.g.
   * `{ 403: ['not_friends', 'blocked'], 409: ['username_taken'] }`. The API document is built from
   * this, and the api checks each answer against the document (`api/docs/document-check.ts`).
   */
  errors?: Readonly<Record<number, readonly string[]>>;
  /** Success answers other than `status` (202 queued, 206 partial, 304), with their bodies. */
  alsoAnswers?: Readonly<Record<number, { description: string; response?: Schema }>>;
  /**
   * The route reads the request body itself (a streamed upload) instead of the JSON parser; this is
   * its OpenAPI `requestBody` content, by media type.
   */
  rawBody?: { description: string; content: Readonly<Record<string, { schema: Readonly<Record<string, unknown>> }>> };
  /**
   * Input fields this route cleans itself instead of refusing (a file name: control characters and
   * lone surrogates are removed), exempt from the NUL / lone-surrogate refusal every other text gets.
   */
  cleansText?: readonly string[];
  /** The handler writes status, headers and body itself (a streamed file); its return value is ignored. */
  raw?: boolean;
  handle(deps: ApiDeps, input: RouteInput<P, Q, B, A>): Promise<unknown>;
}

export type AnyRoute = RouteSpec<Schema | undefined, Schema | undefined, Schema | undefined, boolean>;

/** Declares a route with its types inferred from its schemas. */
export function route<P extends Schema | undefined = undefined, Q extends Schema | undefined = undefined, B extends Schema | undefined = undefined, A extends boolean = true>(
  spec: RouteSpec<P, Q, B, A>,
): AnyRoute {
  return spec as unknown as AnyRoute;
}

/**
 * Every string of every input a route reads (path parameters, query, JSON body; keys too) is
 * checked for the text no field may hold (NUL, lone surrogates) before any schema sees it, so no
 * route can forget it: 400 `invalid_input` naming each field.
 */
function refuseUnsafeText(ctx: ApiContext, spec: AnyRoute): void {
  const problems = [
    ...findTextProblems(ctx.params),
    ...findTextProblems(ctx.query),
    ...(spec.body ? findTextProblems(ctx.request.body) : []),
  ];
  const refused = problems.filter((p) => !spec.cleansText?.includes(p.field));
  if (refused.length > 0) throw badRequest('invalid_input', 'The request has invalid fields', refused);
}

/** Mounts routes on one router: authenticate when asked, parse each input, run, shape the reply. */
export function buildRouter(deps: ApiDeps, routes: readonly AnyRoute[]): Router<ApiState> {
  const router = new Router<ApiState>();
  const signedIn = requireAuth(deps.authCache);
  for (const spec of routes) {
    const run = async (ctx: ApiContext) => {
      refuseUnsafeText(ctx, spec);
      const input = {
        params: spec.params ? spec.params.parse(ctx.params) : undefined,
        query: spec.query ? spec.query.parse(ctx.query) : undefined,
        body: spec.body ? spec.body.parse(ctx.request.body ?? {}) : undefined,
        auth: ctx.state.auth,
        ctx,
      };
      const result = await spec.handle(deps, input as RouteInput<Schema, Schema, Schema, boolean>);
      if (spec.raw) return;
      if (result instanceof Reply) {
        ctx.status = result.status;
        ctx.body = result.body;
        return;
      }
      ctx.status = spec.status ?? (result === undefined ? 204 : 200);
      if (result !== undefined) ctx.body = result;
    };
    if (spec.auth) router[spec.method](spec.path, signedIn, run);
    else router[spec.method](spec.path, run);
  }
  return router;
}
