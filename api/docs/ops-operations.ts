import { z } from 'zod';
import { QUEUE_BOARD_PATH } from '../admin/queue-board.ts';
import { toJsonSchema } from './json-schema.ts';
import { errorResponses, type ExtraOperation } from './openapi.ts';
import { OPS_ERRORS } from './route-errors.ts';

const tag = 'operations';
const json = (schema: z.ZodType) => ({ 'application/json': { schema: toJsonSchema(schema, 'output', 'ops').schema } });

const Readiness = z.object({
  status: z.enum(['ready', 'not_ready']),
  checks: z.object({ db: z.boolean(), redis: z.boolean(), draining: z.boolean() }),
});

/** The api's endpoints that are not product routes: health, this document, the queue board. */
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
];
