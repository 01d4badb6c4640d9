import { z } from 'zod';
import { Fid } from '../../shared/validation/ids.ts';

export const FidParams = z.object({ fid: Fid });

// `token` may sit in the query too; it is read by the authentication, not here.
export const UploadQuery = z.object({ name: z.string().max(4096).optional() });
export const DownloadQuery = z.object({ sig: z.string().min(1).max(2048).optional() });

// Success bodies, for the API document.
export const UploadedFileResponse = z.object({
  fid: Fid,
  name: z.string(),
  size: z.number().int().min(0),
  mime: z.string(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});
export const DownloadLinkResponse = z.object({ url: z.string(), expires_at: z.iso.datetime() });
