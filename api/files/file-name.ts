/** Longest stored file name, in characters (code points). */
export const MAX_FILE_NAME = 255;
export const DEFAULT_FILE_NAME = 'file';

/**
 * A client's file name made safe to store and to hand to other clients: the last path segment only,
 * NFC, no control or bidirectional-override characters (which disguise extensions), no leading dots
 * or trailing dots and spaces, at most 255 characters. Hostile names are cleaned rather than refused;
 * nothing left means `file`. Quotes and other punctuation stay: they are escaped where the name is used.
 */
export function cleanFileName(raw: string | undefined): string {
  if (raw === undefined) return DEFAULT_FILE_NAME;
  const segment = raw.split(/[/\\]/).at(-1) ?? '';
  const cleaned = segment
    .normalize('NFC')
    .replace(/[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '')
    .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd')
    .replace(/^[\s.]+/, '')
    .replace(/[\s.]+$/, '');
  const name = Array.from(cleaned).slice(0, MAX_FILE_NAME).join('').trimEnd();
  return name === '' ? DEFAULT_FILE_NAME : name;
}
