import { expect } from 'chai';
import type { Router } from '@koa/router';
import { Validator } from '@seriousme/openapi-schema-validator';
import { z } from 'zod';
import { createApp } from '../../api/app.ts';
import { buildOpenApiDocument, toOpenApiPath, type OpenApiDocument, type Operation } from '../../api/docs/openapi.ts';
import { documentedCodes } from '../../api/docs/document-check.ts';
import { renderReferencePage } from '../../api/docs/reference-page.ts';
import { route } from '../../api/http/route.ts';
import { startTestApi, type TestApi } from '../support/api-server.ts';

/** Every (method, path) the Koa app routes, read from each router mounted on it. */
function mountedOperations(api: TestApi): { method: string; path: string }[] {
  const app = createApp(api.deps);
  const routers = app.middleware.map((m) => (m as { router?: Router }).router).filter((r): r is Router => r !== undefined);
  expect(routers.length).to.be.greaterThan(1);
  return routers.flatMap((router) =>
    router.stack.flatMap((layer) =>
      layer.methods.filter((m) => m !== 'HEAD').map((method) => ({ method: method.toLowerCase(), path: String(layer.path) })),
    ),
  );
}

const operations = (doc: OpenApiDocument) =>
  Object.entries(doc.paths).flatMap(([path, item]) => Object.entries(item).map(([method, op]) => ({ path, method, op: op as Operation })));

describe('API document: /openapi.json and /docs', () => {
  let api: TestApi;
  let doc: OpenApiDocument;
  before(async () => {
    api = await startTestApi();
    const res = await api.http.get('/openapi.json');
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.contain('application/json');
    doc = res.body;
  });
  after(() => api.close());

  it('is a valid OpenAPI 3.1 document', async () => {
    expect(doc.openapi).to.equal('3.1.0');
    const result = await new Validator().validate(doc as unknown as Parameters<Validator['validate']>[0]);
    expect(result.errors ?? [], JSON.stringify(result.errors, null, 2)).to.deep.equal([]);
    expect(result.valid).to.equal(true);
  });

  it('has an operation for every route the Koa app mounts, and no operation the app does not serve', () => {
    const mounted = mountedOperations(api);
    for (const { method, path } of mounted) {
      expect(doc.paths[toOpenApiPath(path)]?.[method as 'get'], `${method.toUpperCase()} ${path}`).to.be.an('object');
    }
    const served = new Set(mounted.map(({ method, path }) => `${method} ${toOpenApiPath(path)}`));
    // The queue board is a mounted sub-application, not a router of ours.
    const undocumentedByRouters = operations(doc).filter(({ method, path }) => !served.has(`${method} ${path}`)).map(({ method, path }) => `${method} ${path}`);
    expect(undocumentedByRouters).to.deep.equal(['get /admin/queues']);
  });

  it('gives every operation a unique id, a tag, a summary and declares every path parameter', () => {
    const ids = operations(doc).map(({ op }) => op.operationId);
    expect(new Set(ids).size).to.equal(ids.length);
    for (const { path, method, op } of operations(doc)) {
      expect(op.tags, `${method} ${path}`).to.have.length(1);
      expect(op.summary).to.be.a('string').and.not.equal('');
      const inPath = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]).sort();
      const declared = (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name as string).sort();
      expect(declared, `${method} ${path}`).to.deep.equal(inPath);
    }
  });

  it('resolves every $ref inside the document', () => {
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"([^"]+)"/g)].map((m) => m[1] as string);
    expect(refs.length).to.be.greaterThan(0);
    for (const ref of refs) {
      const target = ref.replace(/^#\//, '').split('/').reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], doc);
      expect(target, ref).to.be.an('object');
    }
  });

  it('describes auth, inputs and errors as the routes declare them', () => {
    const register = doc.paths['/users/auth/register']?.post as Operation;
    expect(register.security).to.deep.equal([]);
    expect(Object.keys(register.responses).sort()).to.deep.equal(['201', '400', '403', '409', '413', '415', '429', '431', '503']);
    expect(register.responses['400']?.description).to.contain('invalid_body');
    expect(register.responses['409']?.description).to.contain('username_taken');
    expect(register.responses['403']?.description).to.contain('origin_not_allowed');
    expect(register.responses['429']?.headers).to.have.property('Retry-After');
    expect(register.requestBody).to.nested.include({ required: true });

    const profile = doc.paths['/users/{uid}']?.get as Operation;
    expect(profile.security).to.deep.equal([{ bearerToken: [] }, { queryToken: [] }]);
    expect(profile.responses).to.include.keys('200', '400', '401', '404', '503');
    expect(profile.parameters).to.deep.equal([{ name: 'uid', in: 'path', required: true, schema: { type: 'string', pattern: '^[0-9a-f]{32}$' } }]);

    // A coerced query number is documented as the integer the client sends, with its default.
    const search = doc.paths['/users/search']?.get as Operation;
    const limit = search.parameters?.find((p) => p.name === 'limit');
    expect(limit).to.deep.include({ in: 'query', required: false });
    expect(limit?.schema).to.deep.include({ type: 'integer', default: 20, minimum: 1, maximum: 50 });

    const logout = doc.paths['/users/auth/logout']?.post as Operation;
    expect(logout.responses['204']).to.deep.equal({ description: 'Success' });
    expect(doc.components.securitySchemes).to.have.all.keys('bearerToken', 'queryToken', 'operatorBasic');
  });

  it('lists the codes of every error status, the 202 of queued writes, and the upload body', () => {
    for (const { path, method, op } of operations(doc)) {
      for (const [status, response] of Object.entries(op.responses)) {
        if (Number(status) < 400 || path === '/readyz') continue;
        const codes = documentedCodes(response);
        expect(codes, `${method} ${path} ${status}`).to.be.an('array').that.is.not.empty;
      }
    }
    const send = doc.paths['/chats/{chat_id}/messages']?.post as Operation;
    expect((send.responses['202'] as { content: Record<string, { schema: object }> }).content['application/json']?.schema).to.deep.include({ required: ['status', 'client_generated_id'] });
    expect(send.responses['404']?.description).to.contain('file_not_found');
    expect(send.responses['403']?.description).to.contain('muted_all');
    for (const path of ['/chats/message/recall', '/chats/{chat_id}/messages/{msg_id}/reactions']) {
      expect((doc.paths[path]?.post as Operation).responses).to.have.property('202');
    }
    const upload = doc.paths['/fserv/upload']?.post as Operation;
    expect(upload.requestBody?.content).to.have.all.keys('multipart/form-data', 'application/octet-stream');
    const friendsList = doc.paths['/friend']?.get as Operation;
    expect(friendsList.responses['415']?.description).to.contain('unsupported_media_type');
  });

  it('renders /docs as a self-contained page listing every operation', async () => {
    const res = await api.http.get('/docs');
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.contain('text/html');
    expect(res.headers.get('content-security-policy')).to.contain("default-src 'none'");
    const page = res.body as string;
    expect(page).not.to.match(/<script|<link|<img|<iframe|https?:\/\//i);
    for (const { method, path } of operations(doc)) expect(page).to.contain(`<span class="m ${method}">${method}</span> <code>${path}</code>`);
  });

  it('escapes everything it renders', () => {
    const hostile = '<script>alert("x")</script>';
    const document = buildOpenApiDocument(
      [
        route({
          method: 'post', path: '/x/:id', tag: `t${hostile}`, auth: true, summary: `s ${hostile} \`<b>\``,
          params: z.object({ id: z.string().describe(hostile) }), body: z.object({ [hostile]: z.string() }),
          handle: async () => undefined,
        }),
      ],
      [],
      { title: hostile, version: '"1', description: hostile },
    );
    const page = renderReferencePage(document);
    expect(page).not.to.contain('<script');
    expect(page).not.to.contain('<b>');
    expect(page).to.contain('&#60;script&#62;');
  });
});
