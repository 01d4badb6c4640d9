import type { AuthContext } from '../../shared/auth/authenticate.ts';
import { listChanges } from '../../shared/db/repositories/chat-changes.repository.ts';
import { toChangeEntry } from '../../shared/delivery/chat-changes.ts';
import { notFound } from '../../shared/errors.ts';
import type { ApiDeps } from '../deps.ts';

/**
 * The chat's changes after `since` (edits, recalls, reactions, pins) in cursor order, each with the
 * data of its live frame: what a client missed while offline, after filling messages with `?after=`.
 */
export async function getChanges(deps: ApiDeps, caller: AuthContext, chatId: string, query: { since: number; max: number }) {
  if (!(await deps.userState.canSeeChat(caller.uid, chatId))) throw notFound('Chat');
  const rows = await listChanges(deps.db, { chatId, viewerUid: caller.uid, since: query.since, max: query.max + 1 });
  const changes = rows.slice(0, query.max).map(toChangeEntry);
  return { changes, has_more: rows.length > query.max, cursor: changes.at(-1)?.cursor ?? query.since };
}
