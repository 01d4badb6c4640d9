import { apiRoutes } from '../routes.ts';
import { buildOpenApiDocument, type OpenApiDocument } from './openapi.ts';
import { opsOperations } from './ops-operations.ts';

/** The api's OpenAPI document: every product route, then health, the document and the queue board. */
export function apiDocument(): OpenApiDocument {
  return buildOpenApiDocument(apiRoutes, opsOperations, {
    title: 'Wetty',
    version: '0.1.0',
    description:
      'REST API of the Wetty chat backend. JSON bodies with snake_case fields, string ids, ISO-8601 UTC times. ' +
      'Writes that others must see are queued and delivered over the WebSocket (`/ws/chats`, described in docs/api.md).',
  });
}
