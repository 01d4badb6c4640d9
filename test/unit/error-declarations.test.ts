import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { apiDocument } from '../../api/docs/api-document.ts';
import { documentedCodes } from '../../api/docs/document-check.ts';

/** Every .ts file under these folders. */
function sources(...dirs: string[]): { path: string; text: string }[] {
  return dirs.flatMap((dir) =>
    readdirSync(dir, { recursive: true, encoding: 'utf8' })
      .filter((name) => name.endsWith('.ts'))
      .map((name) => ({ path: join(dir, name), text: readFileSync(join(dir, name), 'utf8') })),
  );
}

/**
 * Every (status, code) the code can answer, read from the ways it makes an error: the helpers of
 * shared/errors.ts, `new AppError(status, code`, worker refusals (`refuseJob`, the send gate's
 * `refuse` and its table of refusals), and the tables of the HTTP layer.
 */
function thrownCodes(): Map<string, Set<string>> {
  const found = new Map<string, Set<string>>();
  const add = (status: number | string, code: string, where: string) => {
    const key = `${status} ${code}`;
    found.set(key, (found.get(key) ?? new Set()).add(where));
  };
  const helpers: [RegExp, number | null][] = [
    [/badRequest\(\s*'([a-z_]+)'/g, 400],
    [/forbidden\(\s*'([a-z_]+)'/g, 403],
    [/conflict\(\s*'([a-z_]+)'/g, 409],
    [/new AppError\(\s*(\d{3}),\s*'([a-z_]+)'/g, null],
    [/refuseJob\(\s*(\d{3}),\s*'([a-z_]+)'/g, null],
    [/\brefuse\(\s*(\d{3}),\s*'([a-z_]+)'/g, null],
    [/\{ status: (\d{3}), code: '([a-z_]+)'/g, null],
    [/\{ status: (\d{3}), reason: '[^']*', code: '([a-z_]+)'/g, null],
  ];
  for (const { path, text } of sources('api', 'workers', 'shared')) {
    for (const [pattern, status] of helpers) {
      for (const m of text.matchAll(pattern)) {
        if (status === null) add(m[1] as string, m[2] as string, path);
        else add(status, m[1] as string, path);
      }
    }
    if (/\bnotFound\(/.test(text)) add(404, 'not_found', path);
    if (/\bunauthorized\(/.test(text)) add(401, 'unauthorized', path);
    if (/\btooManyRequests\(/.test(text)) add(429, 'rate_limited', path);
    // The send gate refuses with 403 and the codes of its refusal table.
    const table = /const SEND_REFUSALS[^{]*\{([^}]*)\}/.exec(text)?.[1];
    for (const m of table?.matchAll(/^\s*([a-z_]+):/gm) ?? []) add(403, m[1] as string, path);
    // The error handler's table of HTTP client errors.
    const http = /const HTTP_CLIENT_ERRORS[^=]*=\s*\{([\s\S]*?)\n\};/.exec(text)?.[1];
    for (const m of http?.matchAll(/(\d{3}): \{ code: '([a-z_]+)'/g) ?? []) add(m[1] as string, m[2] as string, path);
  }
  return found;
}

/** Answers that belong to no documented operation: unknown paths and methods, and the server's own failure. */
const OUTSIDE_OPERATIONS = new Set([
  '404 not_found', // also: a path with no route
  '405 method_not_allowed',
  '400 malformed_request', // the HTTP parser, before any route
  '408 request_timeout',
  '413 payload_too_large',
  '500 internal',
  '409 conflict', // a unique violation no service turned into its own code
  '400 bad_request',
]);

describe('error codes: the code, the API document and docs/api.md agree', () => {
  const document = apiDocument();
  const inDocument = new Set<string>();
  for (const item of Object.values(document.paths)) {
    for (const operation of Object.values(item)) {
      for (const [status, response] of Object.entries(operation?.responses ?? {})) {
        for (const code of documentedCodes(response) ?? []) inDocument.add(`${status} ${code}`);
      }
    }
  }
  const thrown = thrownCodes();

  it('finds the error codes in the code (the scan itself works)', () => {
    for (const key of ['403 not_friends', '409 client_generated_id_reused', '404 file_not_found', '400 invalid_body', '431 headers_too_large', '403 muted_all', '416 range_not_satisfiable']) {
      expect(thrown.has(key), key).to.equal(true);
    }
  });

  it('every error the code can answer is in the API document for some operation', () => {
    const missing = [...thrown.keys()].filter((key) => !inDocument.has(key) && !OUTSIDE_OPERATIONS.has(key));
    expect(missing, `declare these on their routes: ${missing.map((k) => `${k} (${[...(thrown.get(k) ?? [])].join(', ')})`).join('; ')}`).to.deep.equal([]);
  });

  it('the document lists no code the code cannot answer', () => {
    const stale = [...inDocument].filter((key) => !thrown.has(key));
    expect(stale).to.deep.equal([]);
  });

  it('docs/api.md names every error code', () => {
    const prose = readFileSync('docs/api.md', 'utf8');
    const codes = new Set([...inDocument, ...thrown.keys()].map((key) => key.split(' ')[1] as string));
    const missing = [...codes].filter((code) => !prose.includes(`\`${code}\``));
    expect(missing).to.deep.equal([]);
  });
});
