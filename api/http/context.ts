import type { RouterContext } from '@koa/router';
import type { AuthContext } from '../../shared/auth/authenticate.ts';

/** Koa state shared by every api middleware and route. */
export interface ApiState {
  requestId: string;
  auth?: AuthContext;
  /** Set by the CORS middleware: the request comes from an allowed page on another origin. */
  crossOrigin?: boolean;
}

export type ApiContext = RouterContext<ApiState>;

/** The caller of an authenticated route. Only reachable behind `requireAuth`, so absence is a bug. */
export function caller(ctx: { state: ApiState }): AuthContext {
  const auth = ctx.state.auth;
  if (!auth) throw new Error('caller() used on a route without requireAuth');
  return auth;
}
