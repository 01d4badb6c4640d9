import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { apiDocument } from '../../api/docs/api-document.ts';
import type { OpenApiDocument } from '../../api/docs/openapi.ts';
import { docComment, schemaToTs, type JsonSchema } from './json-schema-to-ts.ts';

/** Where the generated route table lives in the SDK's sources. */
export const routesFile = fileURLToPath(new URL('../src/generated/routes.ts', import.meta.url));

/** Operations that are not part of the product API (HTML pages, the operators' pages under /admin/). */
const skipped = new Set(['GET /docs', 'GET /openapi.json']);
const isSkipped = (method: string, path: string) => skipped.has(`${method.toUpperCase()} ${path}`) || path.startsWith('/admin/');

const isSchema = (value: unknown): value is JsonSchema => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The SDK's route table, `RouteTable`, rendered from the api's OpenAPI document: one entry per
 * `METHOD /path` with the types of its path params, query, body, success status and answer, and the
 * error codes it documents. A route added to the api reaches the SDK by regenerating this file.
 */
export function renderRoutes(document: OpenApiDocument): string {
  const refName = (ref: string) => (ref === '#/components/schemas/Error' ? 'ErrorEnvelope' : `Schema_${ref.split('/').pop() ?? ''}`);
  const ts = (schema: unknown, depth: number) => schemaToTs(schema, depth, refName);
  const entries: string[] = [];
  const extraSchemas = Object.entries(document.components.schemas).filter(([name]) => name !== 'Error');
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      if (!operation) continue;
      const name = `${method.toUpperCase()} ${path}`;
      if (isSkipped(method, path)) continue;
      const parameters = (operation.parameters ?? []).filter(isSchema);
      const group = (where: string) => {
        const list = parameters.filter((p) => p.in === where);
        if (list.length === 0) return 'undefined';
        const properties = Object.fromEntries(list.map((p) => [String(p.name), { ...(isSchema(p.schema) ? p.schema : {}), description: p.description }]));
        const required = list.filter((p) => p.required === true).map((p) => String(p.name));
        return ts({ type: 'object', properties, required, additionalProperties: false }, 2);
      };
      const bodySchema = isSchema(operation.requestBody) ? jsonSchemaOf(operation.requestBody) : undefined;
      const [status, success] = Object.entries(operation.responses).find(([code]) => code.startsWith('2')) ?? ['200', {}];
      const responseSchema = isSchema(success) ? jsonSchemaOf(success) : undefined;
      const codes = Object.entries(operation.responses)
        .filter(([code]) => !code.startsWith('2'))
        .flatMap(([, response]) => [...String(isSchema(response) ? response.description : '').matchAll(/`([a-z_]+)`/g)].map((m) => m[1] ?? ''));
      const errorCodes = [...new Set(codes)].sort();
      entries.push(
        `${docComment(operation.summary, 1)}  ${JSON.stringify(name)}: {\n` +
          `    auth: ${operation.security.length > 0};\n` +
          `    params: ${group('path')};\n` +
          `    query: ${group('query')};\n` +
          `    body: ${bodySchema ? ts(bodySchema, 2) : 'undefined'};\n` +
          `    status: ${Number(status)};\n` +
          `    response: ${responseSchema ? ts(responseSchema, 2) : status === '204' ? 'undefined' : 'unknown'};\n` +
          `    errorCode: ${errorCodes.length > 0 ? errorCodes.map((c) => JSON.stringify(c)).join(' | ') : 'never'};\n` +
          `  };`,
      );
    }
  }
  const schemas = extraSchemas.map(([name, schema]) => `export type Schema_${name} = ${ts(schema, 0)};\n`).join('\n');
  return (
    `// Generated from the api's OpenAPI document (api/routes.ts) by client/build/generate-routes.ts.\n` +
    `// Do not edit: run \`npm run generate -w @wetty/client\` after changing a route.\n\n` +
    `/** The error body every refusal carries. */\n` +
    `export type ErrorEnvelope = ${ts(document.components.schemas.Error, 0)};\n\n` +
    (schemas ? `${schemas}\n` : '') +
    `/** Every route of the api, keyed by \`METHOD /path\` (OpenAPI path syntax). */\n` +
    `export interface RouteTable {\n${entries.join('\n')}\n}\n\n` +
    `export type RouteName = keyof RouteTable;\n`
  );
}

function jsonSchemaOf(holder: JsonSchema): unknown {
  const content = holder.content;
  if (!isSchema(content)) return undefined;
  const json = content['application/json'];
  return isSchema(json) ? json.schema : undefined;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(routesFile, renderRoutes(apiDocument()));
  console.log(`wrote ${routesFile}`);
}
