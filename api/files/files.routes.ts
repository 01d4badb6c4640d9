import { route } from '../http/route.ts';
import { createDownloadLink, downloadFile } from './download.service.ts';
import { DownloadLinkResponse, DownloadQuery, FidParams, ThumbnailQuery, UploadedFileResponse, UploadQuery } from './files.schema.ts';
import { sendThumbnail } from './thumbnail.service.ts';
import { uploadFile } from './upload.service.ts';

const tag = 'files';

/** `fserv`: streamed uploads and authorised downloads. */
export const filesRoutes = [
  route({
    // Not behind requireAuth: the internal service key is accepted here as well as a user token.
    method: 'post', path: '/fserv/upload', tag, auth: false,
    summary: 'Upload one file, streamed to storage: multipart/form-data (one file part) or application/octet-stream (Content-Length). Token or X-Internal-Key',
    query: UploadQuery, status: 201, response: UploadedFileResponse,
    cleansText: ['name'],
    rawBody: {
      description: 'The file, streamed: a multipart form with exactly one file part (other fields are ignored), or the raw bytes with Content-Length',
      content: {
        'multipart/form-data': { schema: { type: 'object', required: ['file'], properties: { file: { type: 'string', contentMediaType: 'application/octet-stream', description: 'the one file part (any field name)' } } } },
        'application/octet-stream': { schema: { type: 'string', contentMediaType: 'application/octet-stream' } },
      },
    },
    errors: {
      400: ['no_file', 'too_many_files', 'invalid_multipart', 'upload_aborted'],
      401: ['unauthorized'],
      408: ['upload_too_slow'],
      411: ['length_required'],
      413: ['payload_too_large'],
      415: ['unsupported_media_type'],
      429: ['rate_limited'],
    },
    handle: (deps, { ctx, query }) => uploadFile(deps, ctx, query),
  }),
  route({
    method: 'get', path: '/fserv/link/:fid', tag, auth: true, summary: 'A download URL that works without a token for a few minutes',
    params: FidParams, response: DownloadLinkResponse,
    handle: (deps, { auth, params }) => createDownloadLink(deps, auth, params.fid),
  }),
  route({
    // Not behind requireAuth: a signed link (`?sig=`) is accepted as well as a user token.
    method: 'get', path: '/f/fserv/download/:fid', tag, auth: false, raw: true,
    summary: 'Download a file (206 for a Range, 304 for If-None-Match); token or ?sig=; 404 unless the caller may see it',
    params: FidParams, query: DownloadQuery, status: 200,
    alsoAnswers: { 206: { description: 'One range of the file (`Range`), with `Content-Range`' }, 304: { description: 'Not modified (`If-None-Match` matched the ETag)' } },
    errors: { 401: ['unauthorized'], 416: ['range_not_satisfiable'] },
    handle: (deps, { ctx, params, query }) => downloadFile(deps, ctx, params.fid, query.sig),
  }),
  route({
    // Not behind requireAuth: the download's signed link (`?sig=`) opens its thumbnails too.
    method: 'get', path: '/f/fserv/thumb/:fid', tag, auth: false, raw: true,
    summary: 'A WebP thumbnail of a PNG, JPEG, GIF or WebP image, ?w= 160, 320 or 640 (304 for If-None-Match); token or ?sig=; 404 unless the caller may see the file',
    params: FidParams, query: ThumbnailQuery, status: 200,
    errors: { 401: ['unauthorized'], 404: ['no_thumbnail'], 503: ['thumbnail_pending'] },
    handle: (deps, { ctx, params, query }) => sendThumbnail(deps, ctx, params.fid, query.w, query.sig),
  }),
];
