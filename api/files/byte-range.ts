import type { ByteRange } from '../../shared/storage/storage.ts';

/**
 * What to answer for a `Range` header on a file of `size` bytes:
 * - `full`: no header, or several ranges (we send the whole file with 200 rather than multipart);
 * - `partial`: one satisfiable range (206), clamped to the file;
 * - `unsatisfiable`: a malformed header, a range that starts at or past the end, or any range of an
 *   empty file (416 with `Content-Range: bytes *\/size`).
 */
export type RangeDecision = { kind: 'full' } | { kind: 'partial'; range: ByteRange } | { kind: 'unsatisfiable' };

const SPEC = /^(\d*)-(\d*)$/;

export function decideRange(header: string | undefined, size: number): RangeDecision {
  if (header === undefined || header === '') return { kind: 'full' };
  const match = /^bytes=(.+)$/i.exec(header.trim());
  if (!match?.[1]) return { kind: 'unsatisfiable' };
  const specs = match[1].split(',').map((s) => s.trim());
  const parsed = specs.map((spec) => parseSpec(spec, size));
  if (parsed.some((p) => p === 'malformed')) return { kind: 'unsatisfiable' };
  const satisfiable = parsed.filter((p): p is ByteRange => p !== 'none');
  if (satisfiable.length === 0) return { kind: 'unsatisfiable' };
  if (specs.length > 1) return { kind: 'full' };
  return { kind: 'partial', range: satisfiable[0] as ByteRange };
}

function parseSpec(spec: string, size: number): ByteRange | 'none' | 'malformed' {
  const match = SPEC.exec(spec);
  if (!match) return 'malformed';
  const [, first = '', last = ''] = match;
  if (first === '' && last === '') return 'malformed';
  if (first.length > 15 || last.length > 15) return 'malformed';
  if (first === '') {
    // Suffix: the last N bytes.
    const length = Number(last);
    if (length === 0 || size === 0) return 'none';
    return { start: Math.max(0, size - length), end: size - 1 };
  }
  const start = Number(first);
  const end = last === '' ? size - 1 : Number(last);
  if (end < start) return 'malformed';
  if (start >= size) return 'none';
  return { start, end: Math.min(end, size - 1) };
}
