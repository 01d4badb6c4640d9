import { expect } from 'chai';
import { startTestApi, type TestApi } from '../support/api-server.ts';
import { logIn, signUp, uniqueUsername } from '../support/users.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('users: registration, login and tokens', () => {
  let api: TestApi;
  before(async () => {
    api = await startTestApi({ REFRESH_GRACE_SECONDS: '2' });
  });
  after(() => api.close());

  describe('POST /users/auth/register', () => {
    it('creates a user and answers 201 without secrets', async () => {
      const username = uniqueUsername('reg');
      const res = await api.http.post('/users/auth/register', { json: { username, password: 'correct horse' } });
      expect(res.status).to.equal(201);
      expect(res.body).to.have.all.keys('uid', 'username', 'nickname', 'created_at');
      expect(res.body.uid).to.match(/^[0-9a-f]{32}$/);
      expect(res.body.username).to.equal(username);
      const stored = await api.deps.db('users').where({ uid: res.body.uid }).first();
      expect(stored.password_hash).to.match(/^\$argon2id\$/);
    });

    it('refuses a taken username, whatever its case, with 409', async () => {
      const username = uniqueUsername('dup');
      expect((await api.http.post('/users/auth/register', { json: { username, password: 'password1' } })).status).to.equal(201);
      const again = await api.http.post('/users/auth/register', { json: { username: username.toUpperCase(), password: 'password2' } });
      expect(again.status).to.equal(409);
      expect(again.body.error.code).to.equal('username_taken');
    });

    it('gives exactly one winner when the same name is registered 10 times at once', async () => {
      const username = uniqueUsername('race');
      const results = await Promise.all(
        Array.from({ length: 10 }, () => api.http.post('/users/auth/register', { json: { username, password: 'password1' } })),
      );
      expect(results.map((r) => r.status).sort()).to.deep.equal([201, ...Array(9).fill(409)]);
    });

    const invalid: [string, unknown][] = [
      ['missing password', { username: 'someone_new' }],
      ['missing username', { password: 'password1' }],
      ['wrong types', { username: 42, password: ['password1'] }],
      ['a too-short username', { username: 'ab', password: 'password1' }],
      ['an over-long username', { username: 'a'.repeat(33), password: 'password1' }],
      ['a username with spaces', { username: 'bad name', password: 'password1' }],
      ['a too-short password', { username: 'someone_new', password: 'short' }],
      ['an over-long password', { username: 'someone_new', password: 'p'.repeat(129) }],
      ['an unknown field', { username: 'someone_new', password: 'password1', admin: true }],
      ['an array body', [1, 2]],
      ['null', null],
    ];
    for (const [what, json] of invalid) {
      it(`answers 400 invalid_input for ${what}`, async () => {
        const res = await api.http.post('/users/auth/register', { json });
        expect(res.status).to.equal(400);
        expect(res.body.error.code).to.equal('invalid_input');
        expect(res.body.error.details).to.be.an('array').that.is.not.empty;
      });
    }

    it('answers 400 invalid_json for malformed JSON', async () => {
      const res = await api.http.post('/users/auth/register', { raw: '{"username": "x", ', headers: { 'content-type': 'application/json' } });
      expect(res.status).to.equal(400);
      expect(res.body.error.code).to.equal('invalid_json');
    });

    it('answers 415 for a body that is not JSON', async () => {
      const res = await api.http.post('/users/auth/register', { raw: 'username=x&password=y', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      expect(res.status).to.equal(415);
      expect(res.body.error.code).to.equal('unsupported_media_type');
    });

    it('answers 413 for a body over the size limit, and creates nothing', async () => {
      const username = uniqueUsername('big');
      const raw = JSON.stringify({ username, password: 'x'.repeat(70 * 1024) });
      const res = await api.http.post('/users/auth/register', { raw, headers: { 'content-type': 'application/json' } });
      expect(res.status).to.equal(413);
      expect(res.body.error.code).to.equal('payload_too_large');
      expect(await api.deps.db('users').where({ username }).first()).to.equal(undefined);
    });
  });

  describe('POST /users/auth/login', () => {
    it('issues a short-lived web token and a long-lived mobile token, laid out as documented', async () => {
      const user = await signUp(api.http);
      const web = await api.http.post('/users/auth/login', { json: { username: user.username, password: user.password, client_type: 'web' } });
      const mobile = await api.http.post('/users/auth/login', { json: { username: user.username, password: user.password, client_type: 'mobile' } });
      expect(web.status).to.equal(200);
      expect(web.body).to.have.all.keys('token', 'user_key', 'uid', 'client_type', 'expires_at');
      expect(web.body.token).to.have.length(100);
      expect(web.body.token.slice(0, 32)).to.equal(user.uid);
      expect(web.body.token.slice(64, 68)).to.equal('web_');
      expect(mobile.body.token.slice(64, 68)).to.equal('mob_');
      expect(web.body.user_key).to.equal(user.uid);
      const webLife = Date.parse(web.body.expires_at) - Date.now();
      const mobileLife = Date.parse(mobile.body.expires_at) - Date.now();
      expect(webLife).to.be.closeTo(12 * 3600 * 1000, 60_000);
      expect(mobileLife).to.be.closeTo(30 * 24 * 3600 * 1000, 60_000);
    });

    it('accepts the username in any case', async () => {
      const user = await signUp(api.http);
      expect(await logIn(api.http, user.username.toUpperCase(), user.password)).to.have.length(100);
    });

    it('answers a wrong password and an unknown user with the same 401, taking about as long', async () => {
      const user = await signUp(api.http);
      const attempt = async (username: string) => {
        const started = performance.now();
        const res = await api.http.post('/users/auth/login', { json: { username, password: 'not-the-password', client_type: 'web' } });
        return { res, ms: performance.now() - started };
      };
      const wrong = [];
      const unknown = [];
      for (let i = 0; i < 5; i++) {
        wrong.push(await attempt(user.username));
        unknown.push(await attempt(uniqueUsername('ghost')));
      }
      for (const { res } of [...wrong, ...unknown]) {
        expect(res.status).to.equal(401);
        expect(res.body).to.deep.equal({ error: { code: 'invalid_credentials', message: 'Wrong username or password' } });
      }
      // Both paths run a full argon2 verification; without the decoy the unknown user would answer
      // in a small fraction of the time.
      const median = (xs: { ms: number }[]) => xs.map((x) => x.ms).sort((a, b) => a - b)[2] as number;
      expect(median(unknown)).to.be.greaterThan(median(wrong) * 0.5);
    });

    it('refuses an unknown client_type and missing fields with 400', async () => {
      const user = await signUp(api.http);
      for (const json of [
        { username: user.username, password: user.password, client_type: 'desktop' },
        { username: user.username, password: user.password },
        { username: user.username, client_type: 'web' },
      ]) {
        const res = await api.http.post('/users/auth/login', { json });
        expect(res.status).to.equal(400);
        expect(res.body.error.code).to.equal('invalid_input');
      }
    });
  });

  describe('token checks', () => {
    it('accepts the token in the Authorization header or as ?token=', async () => {
      const user = await signUp(api.http);
      expect((await api.http.get('/users/profile', { token: user.token })).status).to.equal(200);
      expect((await api.http.get(`/users/profile?token=${user.token}`)).status).to.equal(200);
    });

    it('answers 401 without a token or with a malformed header', async () => {
      const user = await signUp(api.http);
      expect((await api.http.get('/users/profile')).status).to.equal(401);
      const res = await api.http.get('/users/profile', { headers: { authorization: `Token ${user.token}` } });
      expect(res.status).to.equal(401);
      expect(res.body.error.code).to.equal('unauthorized');
    });

    const fields: [string, number, number][] = [
      ['uid', 0, 32],
      ['user secret key', 32, 64],
      ['client type', 64, 68],
      ['refresh secret', 68, 76],
      ['client key', 76, 92],
      ['issued-at', 92, 100],
    ];
    for (const [name, start, end] of fields) {
      it(`refuses a token whose ${name} was changed`, async () => {
        const user = await signUp(api.http);
        const field = user.token.slice(start, end);
        const replacement = name === 'client type' ? (field === 'web_' ? 'mob_' : 'web_') : flipLastChar(field);
        const tampered = user.token.slice(0, start) + replacement + user.token.slice(end);
        expect(tampered).to.have.length(100).and.not.equal(user.token);
        expect((await api.http.get('/users/profile', { token: tampered })).status).to.equal(401);
        expect((await api.http.get('/users/profile', { token: user.token })).status).to.equal(200);
      });
    }

    it('refuses another user\'s uid with a valid token body', async () => {
      const [a, b] = [await signUp(api.http), await signUp(api.http)];
      const mixed = b.uid + a.token.slice(32);
      expect((await api.http.get('/users/profile', { token: mixed })).status).to.equal(401);
    });

    it('refuses an expired web token', async () => {
      const shortLived = await startTestApi({ WEB_TOKEN_TTL_SECONDS: '1' });
      try {
        const user = await signUp(shortLived.http, { clientType: 'web' });
        expect((await shortLived.http.get('/users/profile', { token: user.token })).status).to.equal(200);
        await sleep(1100);
        expect((await shortLived.http.get('/users/profile', { token: user.token })).status).to.equal(401);
        expect((await shortLived.http.post('/users/auth/refresh', { token: user.token })).status).to.equal(401);
      } finally {
        await shortLived.close();
      }
    });
  });

  describe('POST /users/auth/refresh', () => {
    it('reissues the refresh secret and timestamp; the old token works only through the grace period', async () => {
      const user = await signUp(api.http);
      const res = await api.http.post('/users/auth/refresh', { token: user.token });
      expect(res.status).to.equal(200);
      const fresh: string = res.body.token;
      expect(fresh).to.have.length(100);
      expect(fresh.slice(0, 68)).to.equal(user.token.slice(0, 68));
      expect(fresh.slice(76, 92)).to.equal(user.token.slice(76, 92));
      expect(fresh.slice(68, 76)).to.not.equal(user.token.slice(68, 76));
      expect((await api.http.get('/users/profile', { token: fresh })).status).to.equal(200);
      expect((await api.http.get('/users/profile', { token: user.token })).status).to.equal(200);
      await sleep(2100);
      expect((await api.http.get('/users/profile', { token: user.token })).status).to.equal(401);
      expect((await api.http.get('/users/profile', { token: fresh })).status).to.equal(200);
    });

    it('refuses a second refresh of the same token with 409', async () => {
      const user = await signUp(api.http);
      expect((await api.http.post('/users/auth/refresh', { token: user.token })).status).to.equal(200);
      const again = await api.http.post('/users/auth/refresh', { token: user.token });
      expect(again.status).to.equal(409);
      expect(again.body.error.code).to.equal('token_already_refreshed');
    });

    it('refuses to refresh a revoked session', async () => {
      const user = await signUp(api.http);
      expect((await api.http.post('/users/auth/logout', { token: user.token })).status).to.equal(204);
      expect((await api.http.post('/users/auth/refresh', { token: user.token })).status).to.equal(401);
      expect((await api.http.post('/users/auth/refresh')).status).to.equal(401);
    });
  });

  describe('logout, logout_all and sessions', () => {
    it('logout ends only this session', async () => {
      const user = await signUp(api.http);
      const other = await logIn(api.http, user.username, user.password, 'mobile');
      expect((await api.http.post('/users/auth/logout', { token: user.token })).status).to.equal(204);
      expect((await api.http.get('/users/profile', { token: user.token })).status).to.equal(401);
      expect((await api.http.get('/users/profile', { token: other })).status).to.equal(200);
    });

    it('logout_all ends every session of the user and no one else\'s', async () => {
      const user = await signUp(api.http);
      const bystander = await signUp(api.http);
      const second = await logIn(api.http, user.username, user.password, 'mobile');
      expect((await api.http.post('/users/auth/logout_all', { token: user.token })).status).to.equal(204);
      expect((await api.http.get('/users/profile', { token: user.token })).status).to.equal(401);
      expect((await api.http.get('/users/profile', { token: second })).status).to.equal(401);
      expect((await api.http.get('/users/profile', { token: bystander.token })).status).to.equal(200);
      expect(await logIn(api.http, user.username, user.password)).to.have.length(100);
    });

    it('lists the user\'s sessions, marking the current one', async () => {
      const user = await signUp(api.http);
      await logIn(api.http, user.username, user.password, 'mobile');
      const res = await api.http.get('/users/sessions', { token: user.token });
      expect(res.status).to.equal(200);
      expect(res.body.sessions).to.have.length(2);
      const current = res.body.sessions.filter((s: { current: boolean }) => s.current);
      expect(current).to.have.length(1);
      expect(current[0].client_key).to.equal(user.token.slice(76, 92));
      expect(res.body.sessions.map((s: { client_type: string }) => s.client_type).sort()).to.deep.equal(['mobile', 'web']);
    });

    it('revokes one session by client key; its token stops working', async () => {
      const user = await signUp(api.http);
      const phone = await logIn(api.http, user.username, user.password, 'mobile');
      const res = await api.http.delete(`/users/sessions/${phone.slice(76, 92)}`, { token: user.token });
      expect(res.status).to.equal(204);
      expect((await api.http.get('/users/profile', { token: phone })).status).to.equal(401);
      expect((await api.http.get('/users/profile', { token: user.token })).status).to.equal(200);
    });

    it('cannot revoke another user\'s session, an unknown one, or a malformed key', async () => {
      const [a, b] = [await signUp(api.http), await signUp(api.http)];
      const bKey = b.token.slice(76, 92);
      const other = await api.http.delete(`/users/sessions/${bKey}`, { token: a.token });
      expect(other.status).to.equal(404);
      expect((await api.http.get('/users/profile', { token: b.token })).status).to.equal(200);
      expect((await api.http.delete('/users/sessions/AAAAAAAAAAAAAAAA', { token: a.token })).status).to.equal(404);
      const malformed = await api.http.delete('/users/sessions/not-a-key', { token: a.token });
      expect(malformed.status).to.equal(400);
      expect(malformed.body.error.code).to.equal('invalid_input');
    });

    it('issues single-use WebSocket tickets only to signed-in users', async () => {
      const user = await signUp(api.http);
      const res = await api.http.post('/users/auth/ws_ticket', { token: user.token });
      expect(res.status).to.equal(201);
      expect(res.body.ticket).to.match(/^[0-9A-Za-z]{40}$/);
      expect(res.body.expires_in).to.equal(60);
      expect((await api.http.post('/users/auth/ws_ticket')).status).to.equal(401);
    });
  });

  describe('error format', () => {
    it('answers unknown paths with a JSON 404 and wrong methods with 405', async () => {
      const missing = await api.http.get('/users/nothing/here');
      expect(missing.status).to.equal(404);
      expect(missing.body.error.code).to.equal('not_found');
      const wrongMethod = await api.http.request('PATCH', '/users/auth/login');
      expect(wrongMethod.status).to.equal(405);
      expect(wrongMethod.body.error.code).to.equal('method_not_allowed');
    });
  });
});

function flipLastChar(field: string): string {
  const last = field.at(-1) as string;
  const replacement = last === '0' ? '1' : '0';
  return field.slice(0, -1) + replacement;
}
