import type { RouteName } from '../generated/routes.ts';
import type { HttpMethod, PathOf, RequestArgs, ResponseOf } from '../rest/request-types.ts';

/** The client's typed `request`, as resource groups receive it. */
export type Requester = <M extends HttpMethod, P extends PathOf<M>>(method: M, path: P, ...args: RequestArgs<`${M} ${P}` & RouteName>) => Promise<ResponseOf<`${M} ${P}` & RouteName>>;
