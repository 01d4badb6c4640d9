import { expect } from 'chai';
import { startTestApi, type TestApi } from '../support/api-server.ts';
import { multipart, pngBytes } from '../support/files.ts';
import { startTestStorage, type TestStorage } from '../support/storage.ts';
import { signUp, uniqueUsername, type TestUser } from '../support/users.ts';

const ALLOWED = 'http://app.wetty.test:8080';
const OTHER = 'http://evil.wetty.test:9090';

describe('CORS: pages on other origins', () => {
  let store: TestStorage;
  let api: TestApi;
  let alice: TestUser;
  before(async () => {
    store = await startTestStorage('fs');
    api = await startTestApi({ CORS_ORIGINS: `${ALLOWED}, http://second.wetty.test`, CORS_MAX_AGE_SECONDS: '900' }, { storage: store.storage });
    alice = await signUp(api.http, { stem: 'cors' });
  });
  after(async () => {
    await api.close();
    await store.close();
  });

  const preflight = (origin: string, method = 'POST', path = '/users/auth/login') =>
    api.http.request('OPTIONS', path, { headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': 'authorization,content-type' } });

  it('answers the preflight of an allowed origin with 204, its methods, headers and max age', async () => {
    const res = await preflight(ALLOWED);
    expect(res.status).to.equal(204);
    expect(res.headers.get('access-control-allow-origin')).to.equal(ALLOWED);
    expect(res.headers.get('access-control-allow-credentials')).to.equal('true');
    expect(res.headers.get('access-control-max-age')).to.equal('900');
    expect(res.headers.get('access-control-allow-methods')).to.include('DELETE');
    expect(res.headers.get('access-control-allow-headers')).to.equal('authorization,content-type');
    expect(res.headers.get('vary')).to.include('Origin');
    // on a route with a path parameter and another method too
    expect((await preflight(ALLOWED, 'DELETE', '/users/sessions/AAAAAAAAAAAAAAAA')).status).to.equal(204);
  });

  it('gives an allowed origin the CORS headers on answers, errors included, and exposes the headers a page needs', async () => {
    const ok = await api.http.get('/users/profile', { token: alice.token, headers: { origin: ALLOWED } });
    expect(ok.status).to.equal(200);
    expect(ok.headers.get('access-control-allow-origin')).to.equal(ALLOWED);
    const exposed = (ok.headers.get('access-control-expose-headers') ?? '').split(',');
    for (const name of ['Retry-After', 'X-Request-Id', 'ETag', 'Content-Range', 'Content-Disposition']) expect(exposed).to.include(name);
    const refused = await api.http.get('/users/profile', { token: 'nope', headers: { origin: 'http://second.wetty.test' } });
    expect(refused.status).to.equal(401);
    expect(refused.headers.get('access-control-allow-origin')).to.equal('http://second.wetty.test');
    const missing = await api.http.get('/no/such/route', { headers: { origin: ALLOWED } });
    expect(missing.status).to.equal(404);
    expect(missing.headers.get('access-control-allow-origin')).to.equal(ALLOWED);
  });

  it('refuses the preflight and the request of an origin not allowed with 403, without CORS headers', async () => {
    const pre = await preflight(OTHER);
    expect(pre.status).to.equal(403);
    expect(pre.headers.get('access-control-allow-origin')).to.equal(null);
    const username = uniqueUsername('corsno');
    const res = await api.http.post('/users/auth/register', { json: { username, password: 'password1' }, headers: { origin: OTHER } });
    expect(res.status).to.equal(403);
    expect(res.body.error.code).to.equal('origin_not_allowed');
    expect(res.headers.get('access-control-allow-origin')).to.equal(null);
    expect(await api.deps.db('users').where({ username }).first()).to.equal(undefined);
    // `null` (sandboxed frames, file: pages) is an origin like any other
    expect((await api.http.get('/users/profile', { token: alice.token, headers: { origin: 'null' } })).status).to.equal(403);
  });

  it('stores nothing for a simple multipart upload with ?token= from an origin not allowed', async () => {
    const before = await store.files();
    const { body, contentType } = multipart([{ field: 'file', filename: 'a.png', contentType: 'image/png', data: pngBytes(200_000) }]);
    const res = await api.http.post(`/fserv/upload?token=${alice.token}`, { raw: body, headers: { 'content-type': contentType, origin: OTHER } });
    expect(res.status).to.equal(403);
    expect(res.body.error.code).to.equal('origin_not_allowed');
    expect(await store.files()).to.deep.equal(before);
    expect(await api.deps.db('files').where({ owner_uid: alice.uid })).to.have.length(0);
    // the same upload from the allowed origin is stored
    const allowed = await api.http.post(`/fserv/upload?token=${alice.token}`, { raw: body, headers: { 'content-type': contentType, origin: ALLOWED } });
    expect(allowed.status, JSON.stringify(allowed.body)).to.equal(201);
    expect(allowed.headers.get('access-control-allow-origin')).to.equal(ALLOWED);
  });

  it('lets same-origin pages and clients without Origin through, with no CORS headers', async () => {
    const self = new URL(api.http.baseUrl).origin;
    const same = await api.http.get('/users/profile', { token: alice.token, headers: { origin: self } });
    expect(same.status).to.equal(200);
    expect(same.headers.get('access-control-allow-origin')).to.equal(null);
    const none = await api.http.get('/users/profile', { token: alice.token });
    expect(none.status).to.equal(200);
  });
});

describe('CORS with CORS_ORIGINS=*', () => {
  let api: TestApi;
  before(async () => {
    api = await startTestApi({ CORS_ORIGINS: '*' });
  });
  after(() => api.close());

  it('answers any origin with `*` and never allows credentials', async () => {
    const res = await api.http.get('/healthz', { headers: { origin: OTHER } });
    expect(res.headers.get('access-control-allow-origin')).to.equal('*');
    expect(res.headers.get('access-control-allow-credentials')).to.equal(null);
  });
});

describe('CORS with CORS_ORIGINS empty', () => {
  let api: TestApi;
  before(async () => {
    api = await startTestApi({});
  });
  after(() => api.close());

  it('allows only the api\'s own origin', async () => {
    expect((await api.http.get('/healthz', { headers: { origin: ALLOWED } })).status).to.equal(403);
    expect((await api.http.get('/healthz', { headers: { origin: new URL(api.http.baseUrl).origin } })).status).to.equal(200);
  });
});
