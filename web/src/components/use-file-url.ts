import { useEffect, useState } from 'preact/hooks';
import { isWettyError } from '@wetty/client';
import { client } from '../state/client.ts';

const cache = new Map<string, Promise<string>>();

/** After a failure that may pass (no answer, 429, 5xx), ask again after these waits, or the api's Retry-After if longer. */
const RETRY_DELAYS_MS = [1000, 2000, 4000, 8000, 16000];

/**
 * A URL an <img> or <a> can use for a file: the signed link (or the thumbnail) from the SDK,
 * remembered for the page's life so the browser cache works. A failure that may pass is asked again
 * a few times, so one dropped request does not leave an image loading for good.
 */
export function useFileUrl(fid: string | null, kind: 'thumb' | 'full'): string | null {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    if (!fid) return;
    let live = true;
    let retry: ReturnType<typeof setTimeout> | undefined;
    const ask = (failures: number) =>
      fileUrl(fid, kind).then(
        (value) => live && setUrl(value),
        (err: unknown) => {
          if (!live) return;
          setUrl(null);
          const wait = retryWait(err, failures);
          if (wait !== null) retry = setTimeout(() => void ask(failures + 1), wait);
        },
      );
    void ask(0);
    return () => {
      live = false;
      clearTimeout(retry);
    };
  }, [fid, kind]);
  return fid ? url : null;
}

/** How long to wait before asking again after the `failures`-th failure, or null to stop (a refusal, or enough tries). */
function retryWait(err: unknown, failures: number): number | null {
  const wait = RETRY_DELAYS_MS[failures];
  if (wait === undefined || !isWettyError(err) || !err.transient) return null;
  return Math.max(wait, (err.retryAfter ?? 0) * 1000);
}

export function fileUrl(fid: string, kind: 'thumb' | 'full'): Promise<string> {
  const key = `${kind}:${fid}`;
  let url = cache.get(key);
  if (!url) {
    url = kind === 'thumb' ? client.files.thumbUrl(fid, { size: 320 }) : client.files.linkUrl(fid);
    url.catch(() => cache.delete(key));
    cache.set(key, url);
  }
  return url;
}

/**
 * For an <img> showing a thumbnail: when there is none (a file the api cannot shrink) or it is not
 * made yet, show the file itself instead, once.
 */
export function fallBackToFull(fid: string) {
  return (event: Event) => {
    const img = event.currentTarget as HTMLImageElement;
    if (img.dataset['fallback']) return;
    img.dataset['fallback'] = 'full';
    fileUrl(fid, 'full').then((url) => (img.src = url), () => undefined);
  };
}
