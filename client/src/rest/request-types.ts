import type { RouteName, RouteTable } from '../generated/routes.ts';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** The paths that have a route for `M`. */
export type PathOf<M extends HttpMethod> = RouteName extends infer K ? (K extends `${M} ${infer P}` ? P : never) : never;

type Field<T, K extends string> = [T] extends [undefined] ? { [P in K]?: undefined } : {} extends T ? { [P in K]?: T } : { [P in K]: T };

/** The inputs of one route: `params` (path), `query` and `body` as the route declares them. */
export type RequestOptions<R extends RouteName> = Field<RouteTable[R]['params'], 'params'> &
  Field<RouteTable[R]['query'], 'query'> &
  Field<RouteTable[R]['body'], 'body'> & {
    signal?: AbortSignal;
    /** Send without the session's token (e.g. for a route that takes none). */
    anonymous?: boolean;
  };

/** Options are optional when the route needs no input. */
export type RequestArgs<R extends RouteName> = {} extends RequestOptions<R> ? [options?: RequestOptions<R>] : [options: RequestOptions<R>];

export type ResponseOf<R extends RouteName> = RouteTable[R]['response'];
export type BodyOf<R extends RouteName> = RouteTable[R]['body'];
export type QueryOf<R extends RouteName> = RouteTable[R]['query'];
