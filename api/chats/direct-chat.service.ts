import type { AuthContext } from '../../shared/auth/authenticate.ts';
import { getOrCreateDirectChat } from '../../shared/db/repositories/chats.repository.ts';
import { loadPairFacts } from '../../shared/db/repositories/access.repository.ts';
import { findUserByUid } from '../../shared/db/repositories/users.repository.ts';
import { badRequest, forbidden, notFound } from '../../shared/errors.ts';
import { commitChange } from '../../shared/social/change-set.ts';
import type { ApiDeps } from '../deps.ts';

/** The direct chat with a friend, created on first use. Friends only, and no blocks either way. */
export async function openDirectChat(deps: ApiDeps, caller: AuthContext, targetUid: string) {
  if (targetUid === caller.uid) throw badRequest('invalid_target', 'You cannot open a chat with yourself');
  if (!(await findUserByUid(deps.db, targetUid))) throw notFound('User');
  return commitChange(deps, async (change) => {
    const relation = await loadPairFacts(change.trx, caller.uid, targetUid);
    if (relation.blockers.length > 0) throw forbidden('blocked', 'One of you blocks the other');
    if (!relation.friends) throw forbidden('not_friends', 'You can only open a direct chat with a friend');
    const { chat, created } = await getOrCreateDirectChat(change.trx, caller.uid, targetUid);
    if (created) {
      change.touchChat(chat.id);
      change.touchMember(chat.id, caller.uid);
      change.touchMember(chat.id, targetUid);
    }
    return { chat_id: chat.id, kind: 'direct' as const, peer_uid: targetUid, created };
  });
}
