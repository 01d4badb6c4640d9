import { CloseCode } from '../shared/contracts/close-codes.ts';
import { blocksOfUsers, largeGroupChatsOfUsers, liveSessionKeys } from '../shared/db/repositories/realtime.repository.ts';
import type { Connections } from './connections.ts';
import type { RealtimeDeps } from './deps.ts';
import type { Subscriptions } from './subscriptions.ts';

/**
 * After the node's Redis subscription comes back, control events published while it was away are
 * lost to it (the relay delivers what could not be published, but a change published during the
 * cut never arrives). So the node re-reads from PostgreSQL what those events would have said, before
 * anyone's stale state can be used: sessions that ended close with 4003, sockets leave large groups
 * their user left (and join the ones they joined), and each user's blocks are reloaded.
 */
export async function reconcileSockets(deps: RealtimeDeps, connections: Connections, subscriptions: Subscriptions): Promise<void> {
  const users = connections.users();
  if (users.length === 0) return;
  const [live, chatsByUser, blocks] = await Promise.all([liveSessionKeys(deps.db, users), largeGroupChatsOfUsers(deps.db, users), blocksOfUsers(deps.db, users)]);
  let closed = 0;
  let left = 0;
  for (const uid of users) {
    const chats = chatsByUser.get(uid) ?? new Set<string>();
    for (const ws of connections.socketsOf(uid)) {
      const auth = ws.getUserData().auth;
      if (auth && !live.has(`${uid}:${auth.clientKey}`)) {
        ws.end(CloseCode.sessionRevoked, 'session revoked');
        closed++;
        continue;
      }
      for (const chatId of connections.chatsOf(ws)) {
        if (chats.has(chatId)) continue;
        left++;
        if (connections.leaveChat(ws, chatId)) await subscriptions.remove(deps.keys.chatChannel(chatId));
      }
      for (const chatId of chats) {
        if (connections.has(ws) && connections.joinChat(ws, chatId)) await subscriptions.add(deps.keys.chatChannel(chatId));
      }
    }
    if (connections.socketsOf(uid).length > 0) connections.setBlocks(uid, blocks.get(uid) ?? []);
  }
  deps.log.info({ users: users.length, closed, left }, 'sockets re-checked after the redis subscription came back');
}
