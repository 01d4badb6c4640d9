/**
 * The one function CommonMark needs from the `entities` package, done by the browser's own HTML
 * parser instead of a 100 KB table. Only a single well-formed character reference reaches the
 * parser, inside a <textarea> (raw text: nothing in it is ever markup or script), and only its
 * text value comes out. Used for the browser build only (see vite.config.ts).
 */
const REFERENCE = /^&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});$/;
let decoder: HTMLTextAreaElement | null = null;

export function decodeHTMLStrict(reference: string): string {
  if (!REFERENCE.test(reference)) return reference;
  decoder ??= document.createElement('textarea');
  decoder.innerHTML = reference;
  return decoder.value;
}
