import type { AuthContext } from '../../shared/auth/authenticate.ts';
import * as users from '../../shared/db/repositories/users.repository.ts';
import { notFound } from '../../shared/errors.ts';
import type { ApiDeps } from '../deps.ts';

function ownProfile(user: users.UserRow) {
  return {
    uid: user.uid,
    username: user.username,
    nickname: user.nickname,
    avatar_fid: user.avatar_fid,
    bio: user.bio,
    sr_link: user.sr_link,
    add_friend_setting: user.add_friend_setting,
    created_at: user.created_at.toISOString(),
  };
}

export async function getOwnProfile(deps: ApiDeps, auth: AuthContext) {
  const user = await users.findUserByUid(deps.db, auth.uid);
  if (!user) throw notFound('User');
  return ownProfile(user);
}

export async function updateOwnProfile(deps: ApiDeps, auth: AuthContext, fields: Partial<users.ProfileFields>) {
  const user = await users.updateProfile(deps.db, auth.uid, fields);
  if (!user) throw notFound('User');
  return ownProfile(user);
}

/** What anyone signed in may see of a user: never their privacy settings or secrets. */
export async function getPublicProfile(deps: ApiDeps, uid: string) {
  const user = await users.findPublicUser(deps.db, uid);
  if (!user) throw notFound('User');
  return user;
}

export async function searchUsers(deps: ApiDeps, query: { q: string; limit: number; cursor?: string | undefined }) {
  const found = await users.searchUsersByPrefix(deps.db, query.q, query.limit + 1, query.cursor);
  const page = found.slice(0, query.limit);
  const next = found.length > query.limit ? page.at(-1)?.username ?? null : null;
  return { users: page, next_cursor: next };
}
