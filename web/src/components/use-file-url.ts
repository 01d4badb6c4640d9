import { useEffect, useState } from 'preact/hooks';
import { client } from '../state/client.ts';

const cache = new Map<string, Promise<string>>();

/**
 * A URL an <img> or <a> can use for a file: the signed link (or the thumbnail) from the SDK,
 * remembered for the page's life so the browser cache works.
 */
export function useFileUrl(fid: string | null, kind: 'thumb' | 'full'): string | null {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    if (!fid) return;
    let live = true;
    fileUrl(fid, kind).then(
      (value) => live && setUrl(value),
      () => live && setUrl(null),
    );
    return () => {
      live = false;
    };
  }, [fid, kind]);
  return fid ? url : null;
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
