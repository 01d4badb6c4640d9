import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import type { JsonSchema } from '../../api/docs/json-schema.ts';
import type { OpenApiDocument, Operation } from '../../api/docs/openapi.ts';
import { anyJson, edgeId, nastyString, POOL_OF, poolRef } from './values.ts';

/** Whose token a request carries: a fixture user's, a spare session's (for routes that end sessions), or a bad one. */
export type AuthChoice = { kind: 'user'; pick: number } | { kind: 'spare' } | { kind: 'none' } | { kind: 'garbage'; token: string } | { kind: 'query'; pick: number };

export type BodyChoice =
  | { kind: 'json'; value: unknown }
  | { kind: 'raw'; bytes: string | Buffer; contentType?: string; contentEncoding?: string };

/** One request to send, with ids still to be drawn from the pools at send time. */
export interface RequestPlan {
  method: string;
  path: string;
  params: Record<string, unknown>;
  /** A parameter value to put in the URL as it is (already percent-encoded, or deliberately not). */
  rawParams: Record<string, string>;
  query: [string, unknown][];
  auth: AuthChoice;
  body?: BodyChoice;
  headers: Record<string, string>;
}

const SESSION_ENDING = new Set(['post /users/auth/logout', 'post /users/auth/logout_all', 'post /users/auth/refresh', 'delete /users/sessions/{client_key}']);

/** Generated requests for one operation of the document: valid ones, and every kind of wrong one. */
export function requestArbitrary(document: OpenApiDocument, path: string, method: string, operation: Operation): fc.Arbitrary<RequestPlan> {
  const resolve = (schema: JsonSchema): JsonSchema => {
    const ref = schema.$ref;
    if (typeof ref !== 'string') return schema;
    return resolve(document.components.schemas[ref.replace('#/components/schemas/', '')] ?? {});
  };
  const parameters = operation.parameters ?? [];
  const pathParams = parameters.filter((p) => p.in === 'path');
  const queryParams = parameters.filter((p) => p.in === 'query');

  const params = fc.record(
    Object.fromEntries(pathParams.map((p) => [p.name as string, fc.oneof({ weight: 6, arbitrary: validValue(resolve, p.schema as JsonSchema, p.name as string, 0) }, { weight: 1, arbitrary: edgeId }, { weight: 1, arbitrary: nastyString })])),
  );
  const rawParams = fc.oneof(
    { weight: 12, arbitrary: fc.constant({}) },
    { weight: 1, arbitrary: fc.record(Object.fromEntries(pathParams.map((p) => [p.name as string, fc.constantFrom('%', '%zz', '%ED%A0%80', '%00', '%2F', '..', '%F0%9F%98', 'a%C0%AFb')]))) },
  );

  const queryEntry = (p: JsonSchema) =>
    fc.oneof(
      { weight: 6, arbitrary: validValue(resolve, p.schema as JsonSchema, p.name as string, 0).map((v) => [[p.name as string, v]] as [string, unknown][]) },
      { weight: 2, arbitrary: fc.constant([] as [string, unknown][]) },
      { weight: 1, arbitrary: fc.oneof(edgeId, nastyString).map((v) => [[p.name as string, v]] as [string, unknown][]) },
      { weight: 1, arbitrary: fc.tuple(edgeId, edgeId).map(([x, y]) => [[p.name as string, x], [p.name as string, y]] as [string, unknown][]) },
    );
  const extraQuery = fc.oneof(
    { weight: 8, arbitrary: fc.constant([] as [string, unknown][]) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom('__proto__', 'constructor', 'token', 'x', '__proto__[a]', 'a[b]'), nastyString).map(([k, v]) => [[k, v]] as [string, unknown][]) },
  );
  const query = fc.tuple(fc.tuple(...queryParams.map(queryEntry)), extraQuery).map(([entries, extra]) => [...entries.flat(), ...extra]);

  // Uploads and downloads are public in the document (they also take an internal key or a signed link) but mostly used with a token.
  const takesToken = operation.security.length > 0 || path.includes('fserv/') || path === '/users/auth/refresh';
  const auth: fc.Arbitrary<AuthChoice> = !takesToken
    ? fc.oneof({ weight: 6, arbitrary: fc.constant({ kind: 'none' } as AuthChoice) }, { weight: 1, arbitrary: fc.nat(1000).map((pick) => ({ kind: 'user', pick }) as AuthChoice) })
    : SESSION_ENDING.has(`${method} ${path}`)
      ? fc.oneof({ weight: 6, arbitrary: fc.constant({ kind: 'spare' } as AuthChoice) }, { weight: 1, arbitrary: badAuth() })
      : fc.oneof({ weight: 14, arbitrary: fc.nat(1000).map((pick) => ({ kind: 'user', pick }) as AuthChoice) }, { weight: 1, arbitrary: fc.nat(1000).map((pick) => ({ kind: 'query', pick }) as AuthChoice) }, { weight: 2, arbitrary: badAuth() });

  const bodySchema = (operation.requestBody?.content as Record<string, { schema: JsonSchema }> | undefined)?.['application/json']?.schema;
  const body: fc.Arbitrary<BodyChoice | undefined> = bodySchema
    ? jsonBody(resolve, bodySchema)
    : path === '/fserv/upload'
      ? uploadBody()
      : fc.oneof({ weight: 10, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: strayBody() });

  const headers: fc.Arbitrary<Record<string, string>> = path.includes('/download/')
    ? fc.record({ range: fc.constantFrom('bytes=0-0', 'bytes=-1', 'bytes=5-', 'bytes=0-1,3-4', 'bytes=99999999999999999999-', 'bytes=x', 'items=0-1', 'bytes=-0'), 'if-none-match': fc.constantFrom('*', '"x"', 'W/"x"', '') }, { requiredKeys: [] })
    : fc.oneof({ weight: 10, arbitrary: fc.constant({}) }, { weight: 1, arbitrary: fc.record({ 'x-forwarded-for': fc.constantFrom('1.2.3.4', 'garbage', ''), 'accept-encoding': fc.constantFrom('gzip', 'br', 'zstd') }, { requiredKeys: [] }) });

  return fc.record({ params, rawParams, query, auth, body, headers }).map((parts) => ({ method, path, ...parts, body: parts.body }));
}

function badAuth(): fc.Arbitrary<AuthChoice> {
  return fc.oneof(
    fc.constant({ kind: 'none' } as AuthChoice),
    fc.oneof(fc.constantFrom('x', 'a'.repeat(100), '0'.repeat(100), 'Bearer', '\u00e9'.repeat(100)), fc.string({ minLength: 90, maxLength: 110 })).map((token) => ({ kind: 'garbage', token }) as AuthChoice),
  );
}

/** A value the schema allows, drawing ids from the pools by the field's name. */
function validValue(resolve: (s: JsonSchema) => JsonSchema, raw: JsonSchema, name: string, depth: number): fc.Arbitrary<unknown> {
  const schema = resolve(raw);
  const pool = POOL_OF[name];
  if (Array.isArray(schema.enum)) {
    // Most messages are text; the other types need a body of their own kind.
    if (name === 'message_type') return fc.oneof({ weight: 4, arbitrary: fc.constant('text') }, { weight: 1, arbitrary: fc.constantFrom(...(schema.enum as unknown[])) });
    return fc.constantFrom(...(schema.enum as unknown[]));
  }
  if ('const' in schema) return fc.constant(schema.const);
  const variants = (schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined;
  if (variants) return fc.oneof(...variants.map((v) => validValue(resolve, v, name, depth)));
  const type = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string | undefined];
  if (type.includes('null') && type.length > 1) {
    return fc.oneof({ weight: 4, arbitrary: validValue(resolve, { ...schema, type: type.filter((t) => t !== 'null') }, name, depth) }, { weight: 1, arbitrary: fc.constant(null) });
  }
  switch (type[0]) {
    case 'string': {
      if (pool) return poolRef(pool);
      if (schema.format === 'date-time') return fc.integer({ min: -3600, max: 400 * 86400 }).map((s) => new Date(Date.now() + s * 1000).toISOString());
      if (schema.format === 'uri' || name === 'sr_link') return fc.constantFrom('https://example.com/a', 'http://x.y', 'ftp://x', 'javascript:alert(1)');
      if (typeof schema.pattern === 'string') return fc.stringMatching(new RegExp(schema.pattern as string)).filter((v) => v.length <= Number(schema.maxLength ?? 200));
      const max = Math.min(Number(schema.maxLength ?? 40), 80);
      const min = Math.min(Number(schema.minLength ?? 0), max);
      return fc.string({ minLength: Math.max(min, 1), maxLength: Math.max(max, 1) });
    }
    case 'integer':
    case 'number': {
      const min = Number(schema.minimum ?? schema.exclusiveMinimum ?? 0);
      const max = Math.min(Number(schema.maximum ?? schema.exclusiveMaximum ?? 1000), min + 100_000);
      return fc.integer({ min: Math.ceil(min), max: Math.floor(max) });
    }
    case 'boolean':
      return fc.boolean();
    case 'array': {
      const items = pool ? poolRef(pool) : validValue(resolve, (schema.items as JsonSchema) ?? {}, name, depth + 1);
      return fc.uniqueArray(items, { minLength: Number(schema.minItems ?? 0), maxLength: Math.min(Number(schema.maxItems ?? 3), 3), selector: (v) => JSON.stringify(v) });
    }
    case 'object': {
      if (depth > 3) return fc.constant({});
      const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
      const required = (schema.required ?? []) as string[];
      // Optional fields are left out more often than not: they usually depend on each other (a forward has no body).
      const field = (key: string, s: JsonSchema) => {
        const value = validValue(resolve, s, key, depth + 1);
        if (required.includes(key)) return value;
        // A send's body and type are optional in the schema (a forward has neither) but usually there.
        const usual = key === 'message' || key === 'message_type';
        return fc.oneof({ weight: usual ? 1 : 3, arbitrary: fc.constant(undefined) }, { weight: usual ? 6 : 1, arbitrary: value });
      };
      return fc
        .record(Object.fromEntries(Object.entries(properties).map(([key, s]) => [key, field(key, s)])))
        .map((record) => Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined)));
    }
    default:
      return anyJson;
  }
}

/** A JSON body: usually valid, otherwise one mistake (a wrong field, a missing one, an extra or prototype key) or not JSON at all. */
function jsonBody(resolve: (s: JsonSchema) => JsonSchema, schema: JsonSchema): fc.Arbitrary<BodyChoice> {
  const valid = validValue(resolve, schema, '', 0);
  const mutated = fc.tuple(valid, fc.nat(20), fc.oneof(anyJson, nastyString, edgeId), fc.constantFrom('drop', 'replace', 'extra', 'proto', 'constructor')).map(([value, pick, wrong, how]) => {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return wrong;
    const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
    const keys = Object.keys(copy);
    const key = keys[pick % Math.max(keys.length, 1)];
    if (how === 'drop' && key) delete copy[key];
    else if (how === 'replace' && key) copy[key] = wrong;
    else if (how === 'extra') copy.unexpected_field = wrong;
    else Object.defineProperty(copy, how === 'proto' ? '__proto__' : 'constructor', { value: how === 'proto' ? { polluted: true } : wrong, enumerable: true });
    return copy;
  });
  return fc.oneof(
    { weight: 10, arbitrary: valid.map((value) => ({ kind: 'json', value }) as BodyChoice) },
    { weight: 8, arbitrary: mutated.map((value) => ({ kind: 'json', value }) as BodyChoice) },
    { weight: 1, arbitrary: anyJson.map((value) => ({ kind: 'json', value }) as BodyChoice) },
    { weight: 3, arbitrary: fc.tuple(valid, badEncoding()).map(([value, raw]) => raw(JSON.stringify(value))) },
  );
}

/** The same JSON sent in ways the parser must refuse (or, for real gzip, accept). */
function badEncoding(): fc.Arbitrary<(json: string) => BodyChoice> {
  return fc.constantFrom(
    (json: string) => ({ kind: 'raw', bytes: json, contentType: 'application/json', contentEncoding: 'gzip' }) as BodyChoice,
    (json: string) => ({ kind: 'raw', bytes: gzipSync(json), contentType: 'application/json', contentEncoding: 'gzip' }) as BodyChoice,
    (json: string) => ({ kind: 'raw', bytes: gzipSync(json).subarray(0, 10), contentType: 'application/json', contentEncoding: 'gzip' }) as BodyChoice,
    (json: string) => ({ kind: 'raw', bytes: json, contentType: 'application/json', contentEncoding: 'br' }) as BodyChoice,
    (json: string) => ({ kind: 'raw', bytes: json, contentType: 'application/json', contentEncoding: 'zstd' }) as BodyChoice,
    (json: string) => ({ kind: 'raw', bytes: json, contentType: 'application/json; charset=latin1' }) as BodyChoice,
    (json: string) => ({ kind: 'raw', bytes: json, contentType: 'text/plain' }) as BodyChoice,
    (json: string) => ({ kind: 'raw', bytes: json.slice(0, -1), contentType: 'application/json' }) as BodyChoice,
    (json: string) => ({ kind: 'raw', bytes: `${json}${' '.repeat(70_000)}`, contentType: 'application/json' }) as BodyChoice,
    () => ({ kind: 'raw', bytes: '{"__proto__":{"x":1}}', contentType: 'application/json' }) as BodyChoice,
    () => ({ kind: 'raw', bytes: '', contentType: 'application/json' }) as BodyChoice,
    () => ({ kind: 'raw', bytes: `${'['.repeat(20_000)}${']'.repeat(20_000)}`, contentType: 'application/json' }) as BodyChoice,
    () => ({ kind: 'raw', bytes: `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`, contentType: 'application/json' }) as BodyChoice,
    () => ({ kind: 'raw', bytes: Buffer.from([0xff, 0xfe, 0x7b]), contentType: 'application/json' }) as BodyChoice,
  );
}

/** A body on a route that takes none. */
function strayBody(): fc.Arbitrary<BodyChoice> {
  return fc.oneof(
    anyJson.map((value) => ({ kind: 'json', value }) as BodyChoice),
    fc.constantFrom<BodyChoice>({ kind: 'raw', bytes: 'hello', contentType: 'text/plain' }, { kind: 'raw', bytes: 'x', contentType: 'application/json', contentEncoding: 'gzip' }, { kind: 'raw', bytes: '{', contentType: 'application/json' }),
  );
}

/** Upload bodies: real small files (octet-stream and multipart) and malformed forms. */
function uploadBody(): fc.Arbitrary<BodyChoice> {
  const boundary = 'fuzzboundary';
  const form = (parts: string) => ({ kind: 'raw', bytes: `${parts}--${boundary}--\r\n`, contentType: `multipart/form-data; boundary=${boundary}` }) as BodyChoice;
  const part = (field: string, filename: string | null, data: string) =>
    `--${boundary}\r\nContent-Disposition: form-data; name="${field}"${filename === null ? '' : `; filename="${filename}"`}\r\n\r\n${data}\r\n`;
  return fc.oneof(
    fc.uint8Array({ maxLength: 64 }).map((bytes) => ({ kind: 'raw', bytes: Buffer.from(bytes), contentType: 'application/octet-stream' }) as BodyChoice),
    fc.tuple(nastyString, fc.string({ maxLength: 30 })).map(([name, data]) => form(part('file', name.replace(/["\r\n]/g, ''), data))),
    fc.constantFrom(
      form(part('note', null, 'no file')),
      form(part('a', 'a.txt', '1') + part('b', 'b.txt', '2')),
      { kind: 'raw', bytes: 'garbage', contentType: 'multipart/form-data' } as BodyChoice,
      { kind: 'raw', bytes: `--${boundary}\r\nContent-Disposition: form-data; name="f"; filename="x"\r\n\r\nunfinished`, contentType: `multipart/form-data; boundary=${boundary}` } as BodyChoice,
      { kind: 'raw', bytes: 'x', contentType: 'text/plain' } as BodyChoice,
      { kind: 'raw', bytes: '{}', contentType: 'application/json' } as BodyChoice,
    ),
  );
}
