import { z } from 'zod';
import { THUMB_WIDTHS, type ThumbWidth } from '../../shared/media/images.ts';
import { Fid } from '../../shared/validation/ids.ts';

export const FidParams = z.object({ fid: Fid });

// `token` may sit in the query too; it is read by the authentication, not here.
export const UploadQuery = z.object({ name: z.string().max(4096).optional() });
export const DownloadQuery = z.object({ sig: z.string().min(1).max(2048).optional() });
export const ThumbnailQuery = DownloadQuery.extend({
  w: z
    .enum(THUMB_WIDTHS.map(String) as [`${ThumbWidth}`, ...`${ThumbWidth}`[]])
    .transform((w) => Number(w) as ThumbWidth)
    .describe(`the thumbnail width: ${THUMB_WIDTHS.join(', ')}`),
});

// Success bodies, for the API document.
export const UploadedFileResponse = z.object({
  fid: Fid,
  name: z.string(),
  size: z.number().int().min(0),
  mime: z.string(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  width: z.number().int().positive().nullable().describe('PNG, JPEG, GIF and WebP: pixels as displayed (EXIF orientation applied); null for other types or an unreadable header'),
  height: z.number().int().positive().nullable(),
});
export const DownloadLinkResponse = z.object({ url: z.string(), expires_at: z.iso.datetime() });
