import { INTERNAL_KEY_HEADER, verifyFileLink, verifyInternalKey } from '../../shared/auth/internal-jwt.ts';
import { internalSecret } from '../../shared/config.ts';
import { findPublicUser } from '../../shared/db/repositories/users.repository.ts';
import { unauthorized } from '../../shared/errors.ts';
import type { ApiDeps } from '../deps.ts';
import type { ApiContext } from '../http/context.ts';
import { tokenFrom } from '../http/require-auth.ts';

/**
 * Who an upload is for. A request carrying the internal key header is judged by that key alone (a
 * bad key is 401, never a fall-back to the token); otherwise by the user token, as on every route.
 */
export async function uploaderOf(deps: ApiDeps, ctx: ApiContext): Promise<string> {
  const key = ctx.get(INTERNAL_KEY_HEADER);
  if (!key) return userOf(deps, ctx);
  const uid = verifyInternalKey(internalSecret(deps.config), key);
  if (!uid || !(await findPublicUser(deps.db, uid))) throw unauthorized('Invalid internal key');
  return uid;
}

/** Who a download is for: the signed link's user when `sig` is given, else the user token. */
export async function downloaderOf(deps: ApiDeps, ctx: ApiContext, fid: string, sig: string | undefined): Promise<string> {
  if (sig === undefined) return userOf(deps, ctx);
  const uid = verifyFileLink(internalSecret(deps.config), sig, fid);
  if (!uid) throw unauthorized('Invalid or expired download link');
  return uid;
}

async function userOf(deps: ApiDeps, ctx: ApiContext): Promise<string> {
  const token = tokenFrom(ctx);
  const auth = token ? await deps.authCache.authenticate(token) : null;
  if (!auth) throw unauthorized();
  ctx.state.auth = auth;
  return auth.uid;
}
