import { chatsRoutes } from './chats/chats.routes.ts';
import { filesRoutes } from './files/files.routes.ts';
import { friendsRoutes } from './friends/friends.routes.ts';
import { groupsRoutes } from './groups/groups.routes.ts';
import type { AnyRoute } from './http/route.ts';
import { pushRoutes } from './push/push.routes.ts';
import { usersRoutes } from './users/users.routes.ts';

/** Every endpoint of the api, module by module. The router and the API document are built from this list. */
export const apiRoutes: readonly AnyRoute[] = [...usersRoutes, ...pushRoutes, ...friendsRoutes, ...groupsRoutes, ...chatsRoutes, ...filesRoutes];
