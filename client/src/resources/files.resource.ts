import { WettyError } from '../errors.ts';
import { errorFrom } from '../rest/http-client.ts';
import type { ResponseOf } from '../rest/request-types.ts';
import type { Requester } from './requester.ts';

export type UploadedFile = ResponseOf<'POST /fserv/upload'>;

export interface UploadOptions {
  /** The file's name (default: the File's name, else `file`). */
  name?: string;
  /** Called as bytes go out (browsers); on platforms without upload progress, once at the end. */
  onProgress?: (sentBytes: number, totalBytes: number) => void;
  signal?: AbortSignal;
}

export interface FilesContext {
  request: Requester;
  url(pathAndQuery: string): string;
  token(): string | undefined;
  fetch: typeof fetch;
}

/** Uploads and download links (`fserv`). */
export function filesResource(context: FilesContext) {
  return {
    /** Streams a Blob/File to storage as `application/octet-stream`. */
    upload: (blob: Blob, options: UploadOptions = {}): Promise<UploadedFile> => {
      const name = options.name ?? (typeof (blob as { name?: unknown }).name === 'string' ? (blob as File).name : 'file');
      const url = context.url(`/fserv/upload?name=${encodeURIComponent(name)}`);
      const token = context.token();
      return typeof xhrConstructor() === 'function' ? uploadWithXhr(url, token, blob, options) : uploadWithFetch(context.fetch, url, token, blob, options);
    },
    /** A signed path (relative to the api's base URL) that downloads the file without a token for 5 minutes. */
    link: (fid: string) => request(context, fid),
    /** The absolute URL of a signed link, ready for `<img src>` or `<a href>`. */
    linkUrl: async (fid: string) => context.url((await request(context, fid)).url),
    /**
     * The absolute URL of a WebP thumbnail of a PNG, JPEG, GIF or WebP image, at the smallest
     * width the api makes (160, 320, 640) that is at least `size` (default 320), signed with the
     * same `sig` as `linkUrl`. Other files have none (the URL answers 404 `no_thumbnail`), and a
     * thumbnail still being made answers 503: an `<img>` should fall back to `linkUrl` on error.
     */
    thumbUrl: async (fid: string, options: { size?: number } = {}) => {
      const sig = new URL((await request(context, fid)).url, 'http://link.invalid').searchParams.get('sig') ?? '';
      const width = THUMBNAIL_WIDTHS.find((w) => w >= (options.size ?? 320)) ?? THUMBNAIL_WIDTHS[THUMBNAIL_WIDTHS.length - 1];
      return context.url(`/f/fserv/thumb/${encodeURIComponent(fid)}?w=${width}&sig=${encodeURIComponent(sig)}`);
    },
  };
}

/** The widths the api makes thumbnails at (docs/api.md, "Thumbnails"). */
export const THUMBNAIL_WIDTHS = [160, 320, 640] as const;

const request = (context: FilesContext, fid: string) => context.request('GET', '/fserv/link/{fid}', { params: { fid } });

async function uploadWithFetch(fetchImpl: typeof fetch, url: string, token: string | undefined, blob: Blob, options: UploadOptions): Promise<UploadedFile> {
  let response: Response;
  try {
    response = await fetchImpl(url, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: blob,
      signal: options.signal ?? null,
    });
  } catch (error) {
    if (options.signal?.aborted) throw new WettyError(0, 'aborted', 'The upload was aborted');
    throw new WettyError(0, 'network_error', error instanceof Error ? error.message : 'Network error');
  }
  if (!response.ok) throw await errorFrom(response);
  options.onProgress?.(blob.size, blob.size);
  return (await response.json()) as UploadedFile;
}

/** The parts of XMLHttpRequest an upload uses (browsers have it; Node does not). */
interface XhrLike {
  open(method: string, url: string): void;
  setRequestHeader(name: string, value: string): void;
  upload: { onprogress: ((event: { loaded: number; total: number; lengthComputable: boolean }) => void) | null };
  onerror: (() => void) | null;
  onabort: (() => void) | null;
  onload: (() => void) | null;
  status: number;
  responseText: string;
  getAllResponseHeaders(): string;
  abort(): void;
  send(body: Blob): void;
}

const xhrConstructor = () => (globalThis as { XMLHttpRequest?: new () => XhrLike }).XMLHttpRequest;

function uploadWithXhr(url: string, token: string | undefined, blob: Blob, options: UploadOptions): Promise<UploadedFile> {
  return new Promise((resolve, reject) => {
    const Xhr = xhrConstructor();
    if (!Xhr) return reject(new WettyError(0, 'network_error', 'XMLHttpRequest is not available'));
    const xhr = new Xhr();
    xhr.open('POST', url);
    xhr.setRequestHeader('content-type', 'application/octet-stream');
    if (token) xhr.setRequestHeader('authorization', `Bearer ${token}`);
    xhr.upload.onprogress = (event) => options.onProgress?.(event.loaded, event.lengthComputable ? event.total : blob.size);
    xhr.onerror = () => reject(new WettyError(0, 'network_error', 'Network error'));
    xhr.onabort = () => reject(new WettyError(0, 'aborted', 'The upload was aborted'));
    xhr.onload = () => {
      const response = new Response(xhr.responseText, { status: xhr.status, headers: parseHeaders(xhr.getAllResponseHeaders()) });
      if (xhr.status >= 200 && xhr.status < 300) {
        options.onProgress?.(blob.size, blob.size);
        response.json().then((body) => resolve(body as UploadedFile), () => reject(new WettyError(xhr.status, 'invalid_response', 'The answer is not JSON')));
      } else {
        errorFrom(response).then(reject, reject);
      }
    };
    options.signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(blob);
  });
}

function parseHeaders(text: string): Headers {
  const headers = new Headers();
  for (const line of text.trim().split(/[\r\n]+/)) {
    const at = line.indexOf(':');
    if (at > 0) headers.append(line.slice(0, at).trim(), line.slice(at + 1).trim());
  }
  return headers;
}
