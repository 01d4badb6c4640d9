import { z } from 'zod';
import { QUEUE_BOARD_PATH } from '../admin/queue-board.ts';
import { WEBHOOKS_ADMIN_PATH } from '../admin/webhooks.routes.ts';
import { RegisteredWebhook, RegisterWebhookBody, TestDelivery, WebhookList } from '../admin/webhooks.schema.ts';
import { toJsonSchema } from './json-schema.ts';
import { errorResponses, type ExtraOperation } from './openapi.ts';
import { OPS_ERRORS } from './route-errors.ts';

const tag = 'operations';
const json = (schema: z.ZodType) => ({ 'application/json': { schema: toJsonSchema(schema, 'output', 'ops').schema } });

const Readiness = z.object({
  status: z.enum(['ready', 'not_ready']),
  checks: z.object({ db: z.boolean(), redis: z.boolean(), draining: z.boolean() }),
});

const operatorOnly = [{ operatorBasic: [] }];
const idParameter = { name: 'id', in: 'path', required: true, schema: { type: 'string' }, description: 'A webhook id (digits, or `config-…` for one from WEBHOOKS)' };
/** What every operator page can answer from the shared middleware and the credentials check. */
const adminErrors = (extra: Record<number, readonly string[]>, body: boolean): Record<number, readonly string[]> => {
  const codes: Record<number, string[]> = {
    400: ['invalid_input', ...(body ? ['invalid_json', 'invalid_body'] : [])],
    401: ['unauthorized'],
    403: ['origin_not_allowed'],
    415: ['unsupported_media_type'],
    431: ['headers_too_large'],
    503: ['unavailable'],
  };
  if (body) codes[413] = ['payload_too_large'];
  for (const [status, list] of Object.entries(extra)) codes[Number(status)] = [...new Set([...(codes[Number(status)] ?? []), ...list])];
  return codes;
};

/** The api's endpoints that are not product routes: health, this document, the operators' pages. */
export const opsOperations: readonly ExtraOperation[] = [
  {
    method: 'get', path: '/healthz',
    operation: {
      operationId: 'get_healthz', tags: [tag], summary: 'The process is alive', security: [],
      responses: { 200: { description: 'Alive', content: json(z.object({ status: z.literal('ok') })) }, ...errorResponses(OPS_ERRORS) },
    },
  },
  {
    method: 'get', path: '/readyz',
    operation: {
      operationId: 'get_readyz', tags: [tag], summary: 'PostgreSQL and Redis answer and the process is not draining', security: [],
      responses: {
        200: { description: 'Ready', content: json(Readiness) },
        503: { description: 'Not ready (a dependency is down, or the process is shutting down); same body', content: json(Readiness) },
        ...errorResponses(OPS_ERRORS),
      },
    },
  },
  {
    method: 'get', path: '/openapi.json',
    operation: {
      operationId: 'get_openapi', tags: [tag], summary: 'This document (OpenAPI 3.1)', security: [],
      responses: { 200: { description: 'The document', content: { 'application/json': { schema: { type: 'object' } } } }, ...errorResponses(OPS_ERRORS) },
    },
  },
  {
    method: 'get', path: '/docs',
    operation: {
      operationId: 'get_docs', tags: [tag], summary: 'This document as a readable HTML page', security: [],
      responses: { 200: { description: 'HTML', content: { 'text/html': { schema: { type: 'string' } } } }, ...errorResponses(OPS_ERRORS) },
    },
  },
  {
    method: 'get', path: QUEUE_BOARD_PATH,
    operation: {
      operationId: 'get_admin_queues', tags: [tag], summary: 'Queue dashboard (bull-board) for operators',
      description: `Every BullMQ queue: counts, jobs, retry, clean. Its own JSON API lives under \`${QUEUE_BOARD_PATH}/api/\`.`,
      security: [{ operatorBasic: [] }],
      responses: {
        200: { description: 'HTML', content: { 'text/html': { schema: { type: 'string' } } } },
        ...errorResponses({ 401: ['unauthorized'], 431: ['headers_too_large'] }),
      },
    },
  },
  {
    method: 'post', path: WEBHOOKS_ADMIN_PATH,
    operation: {
      operationId: 'post_admin_webhooks', tags: [tag], summary: 'Register a webhook endpoint (operators)',
      description: 'The secret (given, or generated when omitted) is answered here only. docs/webhooks.md',
      security: operatorOnly,
      requestBody: { required: true, content: { 'application/json': { schema: toJsonSchema(RegisterWebhookBody, 'input', 'ops').schema } } },
      responses: { 201: { description: 'Registered', content: json(RegisteredWebhook) }, ...errorResponses(adminErrors({ 400: ['private_address', 'unresolvable_host'] }, true)) },
    },
  },
  {
    method: 'get', path: WEBHOOKS_ADMIN_PATH,
    operation: {
      operationId: 'get_admin_webhooks', tags: [tag], summary: 'List webhook endpoints, without their secrets (operators)', security: operatorOnly,
      responses: { 200: { description: 'Every endpoint, registered or configured', content: json(WebhookList) }, ...errorResponses(adminErrors({}, false)) },
    },
  },
  {
    method: 'delete', path: `${WEBHOOKS_ADMIN_PATH}/{id}`,
    operation: {
      operationId: 'delete_admin_webhook', tags: [tag], summary: 'Remove a registered webhook endpoint (operators)', security: operatorOnly,
      parameters: [idParameter],
      responses: { 204: { description: 'Removed; its pending deliveries end' }, ...errorResponses(adminErrors({ 404: ['not_found'], 409: ['configured_webhook'] }, false)) },
    },
  },
  {
    method: 'post', path: `${WEBHOOKS_ADMIN_PATH}/{id}/test`,
    operation: {
      operationId: 'post_admin_webhook_test', tags: [tag], summary: 'Send a signed webhook.test event now and answer what the endpoint said (operators)', security: operatorOnly,
      parameters: [idParameter],
      responses: { 200: { description: 'The endpoint\'s answer', content: json(TestDelivery) }, ...errorResponses(adminErrors({ 400: ['private_address'], 404: ['not_found'] }, true)) },
    },
  },
];
