import { canDownloadFile } from '../../shared/access/file-access.ts';
import type { AuthContext } from '../../shared/auth/authenticate.ts';
import { signFileLink } from '../../shared/auth/internal-jwt.ts';
import { internalSecret } from '../../shared/config.ts';
import { findFile } from '../../shared/db/repositories/files.repository.ts';
import { notFound } from '../../shared/errors.ts';
import type { ApiDeps } from '../deps.ts';
import type { ApiContext } from '../http/context.ts';
import { downloaderOf } from './file-auth.ts';
import { sendFile } from './send-file.ts';

// One answer for "no such file" and "not yours", so a fid's existence is never revealed.
const fileNotFound = () => notFound('File');

/** `GET /f/fserv/download/{fid}`: the caller (token or signed link) must pass the file access rule. */
export async function downloadFile(deps: ApiDeps, ctx: ApiContext, fid: string, sig: string | undefined): Promise<void> {
  const uid = await downloaderOf(deps, ctx, fid, sig);
  const file = (await canDownloadFile(deps.db, uid, fid)) ? await findFile(deps.db, fid) : undefined;
  if (!file) throw fileNotFound();
  await sendFile(ctx, deps.storage, file);
}

/** `GET /fserv/link/{fid}`: a download URL that works without a token for a few minutes. */
export async function createDownloadLink(deps: ApiDeps, auth: AuthContext, fid: string) {
  if (!(await canDownloadFile(deps.db, auth.uid, fid))) throw fileNotFound();
  const { sig, expiresAt } = signFileLink(internalSecret(deps.config), auth.uid, fid, deps.config.files.linkTtlSeconds);
  return { url: `/f/fserv/download/${fid}?sig=${encodeURIComponent(sig)}`, expires_at: expiresAt.toISOString() };
}
