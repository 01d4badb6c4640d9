import type { AnyRoute } from '../http/route.ts';
import { toJsonSchema, type JsonSchema } from './json-schema.ts';
import { routeErrors } from './route-errors.ts';

export type HttpMethod = 'get' | 'post' | 'put' | 'delete' | 'patch';

/** An OpenAPI 3.1 operation object (only the fields this project fills in are typed). */
export interface Operation {
  operationId: string;
  tags: string[];
  summary: string;
  description?: string;
  security: Record<string, string[]>[];
  parameters?: JsonSchema[];
  requestBody?: JsonSchema;
  responses: Record<string, JsonSchema>;
}

/** An endpoint that is not in `apiRoutes` (health, the document itself), described by hand. */
export interface ExtraOperation {
  method: HttpMethod;
  path: string;
  operation: Operation;
}

export interface OpenApiDocument {
  openapi: '3.1.0';
  info: { title: string; version: string; description: string };
  tags: { name: string; description?: string }[];
  paths: Record<string, Partial<Record<HttpMethod, Operation>>>;
  components: { schemas: Record<string, JsonSchema>; securitySchemes: Record<string, JsonSchema> };
}

export const SIGNED_IN: Record<string, string[]>[] = [{ bearerToken: [] }, { queryToken: [] }];

const ERROR_ENVELOPE: JsonSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', description: 'snake_case, stable: branch on this' },
        message: { type: 'string', description: 'for people; may change' },
        details: { description: 'for invalid_input: one entry per bad field', type: 'array', items: { type: 'object', properties: { field: { type: 'string' }, message: { type: 'string' } } } },
      },
    },
  },
};

/** The errors every route of a kind can answer, before its own `errors`. */
const ERROR_TEXT: Record<number, string> = {
  400: 'Invalid input',
  401: 'Missing, invalid, expired or revoked token',
  403: 'Refused',
  404: 'Not found',
  409: 'Conflicts with what exists',
  411: 'Content-Length required',
  413: 'Body too large',
  408: 'The upload took too long',
  415: 'Body is not JSON (or a Content-Encoding that is not accepted)',
  416: 'Range not satisfiable; `Content-Range: bytes */size` gives the size',
  429: 'Too many requests; `Retry-After` gives the seconds to wait',
  431: 'URL or headers too large (over ~16 KB)',
  503: 'PostgreSQL or Redis unreachable; retry after `Retry-After` seconds',
};

const RETRY_AFTER = { 'Retry-After': { description: 'seconds to wait', schema: { type: 'integer' } } };

/** Koa's `/users/:uid` → OpenAPI's `/users/{uid}`. */
export const toOpenApiPath = (koaPath: string) => koaPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

const operationIdOf = (method: string, path: string) =>
  `${method}_${path.replace(/^\//, '').replace(/:([A-Za-z0-9_]+)/g, 'by_$1').replace(/[^A-Za-z0-9]+/g, '_')}`.replace(/_+$/, '');

/** Builds the document from the route list (and the few hand-described extras). */
export function buildOpenApiDocument(routes: readonly AnyRoute[], extras: readonly ExtraOperation[], info: OpenApiDocument['info']): OpenApiDocument {
  const document: OpenApiDocument = {
    openapi: '3.1.0',
    info,
    tags: [],
    paths: {},
    components: {
      schemas: { Error: ERROR_ENVELOPE },
      securitySchemes: {
        bearerToken: { type: 'http', scheme: 'bearer', description: 'The 100-character token from login: `Authorization: Bearer <token>`' },
        queryToken: { type: 'apiKey', in: 'query', name: 'token', description: 'The same token as `?token=` (for clients that cannot set headers)' },
        operatorBasic: { type: 'http', scheme: 'basic', description: 'OPERATOR_USER / OPERATOR_PASSWORD' },
      },
    },
  };
  const add = (method: HttpMethod, path: string, operation: Operation) => {
    const item = (document.paths[toOpenApiPath(path)] ??= {});
    if (item[method]) throw new Error(`two operations for ${method.toUpperCase()} ${path}`);
    item[method] = operation;
    for (const tag of operation.tags) if (!document.tags.some((t) => t.name === tag)) document.tags.push({ name: tag });
  };
  for (const route of routes) add(route.method, route.path, routeOperation(route, document.components.schemas));
  for (const extra of extras) add(extra.method, extra.path, extra.operation);
  return document;
}

function routeOperation(route: AnyRoute, schemas: Record<string, JsonSchema>): Operation {
  const operationId = operationIdOf(route.method, route.path);
  const convert = (schema: NonNullable<AnyRoute['body']>, io: 'input' | 'output') => {
    const { schema: json, defs } = toJsonSchema(schema, io, operationId);
    Object.assign(schemas, defs);
    return json;
  };
  const parameters = [
    ...(route.params ? parametersOf(convert(route.params, 'input'), 'path', route.path) : []),
    ...(route.query ? parametersOf(convert(route.query, 'input'), 'query', route.path) : []),
  ];
  const status = route.status ?? (route.response ? 200 : 204);
  const success = (description: string, schema: AnyRoute['response']): JsonSchema =>
    schema ? { description, content: { 'application/json': { schema: convert(schema, 'output') } } } : { description };
  const responses: Record<string, JsonSchema> = { [status]: success('Success', route.response) };
  for (const [other, answer] of Object.entries(route.alsoAnswers ?? {})) responses[other] = success(answer.description, answer.response);

  const operation: Operation = {
    operationId,
    tags: [route.tag],
    summary: route.summary,
    security: route.auth ? SIGNED_IN : [],
    responses: { ...responses, ...errorResponses(routeErrors(route)) },
  };
  if (parameters.length > 0) operation.parameters = parameters;
  if (route.body) operation.requestBody = { required: true, content: { 'application/json': { schema: convert(route.body, 'input') } } };
  else if (route.rawBody) operation.requestBody = { required: true, description: route.rawBody.description, content: route.rawBody.content };
  return operation;
}

/** Error responses in the shared envelope, with the codes each status can carry. */
export function errorResponses(codes: Record<number, readonly string[]>): Record<string, JsonSchema> {
  return Object.fromEntries(
    Object.entries(codes).map(([status, list]) => {
      // The shared envelope, narrowed to the codes this status can carry here.
      const schema = { allOf: [{ $ref: '#/components/schemas/Error' }, { properties: { error: { properties: { code: { enum: [...list] } } } } }] };
      const response: JsonSchema = {
        description: `${ERROR_TEXT[Number(status)] ?? 'Error'}. Codes: ${list.map((c) => `\`${c}\``).join(', ')}`,
        content: { 'application/json': { schema } },
      };
      if (status === '429' || status === '503') response.headers = RETRY_AFTER;
      return [status, response];
    }),
  );
}

function parametersOf(schema: JsonSchema, where: 'path' | 'query', path: string): JsonSchema[] {
  const properties = schema.properties as Record<string, JsonSchema> | undefined;
  if (schema.type !== 'object' || !properties) throw new Error(`the ${where} schema of ${path} must be a zod object`);
  const required = new Set((schema.required as string[] | undefined) ?? []);
  return Object.entries(properties).map(([name, property]) => {
    const { description, ...rest } = property;
    const parameter: JsonSchema = { name, in: where, required: where === 'path' || required.has(name), schema: rest };
    if (typeof description === 'string') parameter.description = description;
    return parameter;
  });
}
