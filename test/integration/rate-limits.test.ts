import { expect } from 'chai';
import { startTestApi, type TestApi } from '../support/api-server.ts';
import { uniqueUsername } from '../support/users.ts';

describe('rate limits on login and register', () => {
  let api: TestApi;
  before(async () => {
    api = await startTestApi({ LOGIN_RATE_MAX: '3', LOGIN_RATE_WINDOW_SECONDS: '30', REGISTER_RATE_MAX: '2', REGISTER_RATE_WINDOW_SECONDS: '30' });
  });
  after(() => api.close());

  it('answers login attempts past the limit with 429 and Retry-After', async () => {
    const json = { username: uniqueUsername('rl'), password: 'whatever1', client_type: 'web' };
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await api.http.post('/users/auth/login', { json })).status);
    expect(statuses).to.deep.equal([401, 401, 401, 429]);
    const refused = await api.http.post('/users/auth/login', { json });
    expect(refused.status).to.equal(429);
    expect(refused.body.error.code).to.equal('rate_limited');
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).to.be.within(1, 30);
  });

  it('answers registrations past the limit with 429 and creates nothing more', async () => {
    const names = [uniqueUsername('rr'), uniqueUsername('rr'), uniqueUsername('rr')];
    const statuses = [];
    for (const username of names) statuses.push((await api.http.post('/users/auth/register', { json: { username, password: 'password1' } })).status);
    expect(statuses).to.deep.equal([201, 201, 429]);
    expect(await api.deps.db('users').where({ username: names[2] }).first()).to.equal(undefined);
  });
});
