/**
 * `Content-Disposition` for a stored file name (RFC 6266): a quoted ASCII `filename` for old clients,
 * with everything outside printable ASCII, quotes, backslashes and percent signs replaced by `_`,
 * and the exact name as RFC 8187 `filename*` (UTF-8, percent-encoded).
 */
export function contentDisposition(type: 'inline' | 'attachment', name: string): string {
  const fallback = name.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${type}; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}
