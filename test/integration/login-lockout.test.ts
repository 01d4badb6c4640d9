import { expect } from 'chai';
import { startTestApi, type TestApi } from '../support/api-server.ts';
import { uniqueUsername } from '../support/users.ts';

/**
 * Brute-force protection that costs the attacker, not the account's owner. Addresses are simulated
 * with X-Forwarded-For behind TRUST_PROXY.
 */
describe('login limits', () => {
  let api: TestApi;
  before(async () => {
    api = await startTestApi({
      TRUST_PROXY: 'true',
      LOGIN_RATE_MAX: '3',
      LOGIN_ADDRESS_RATE_MAX: '6',
      LOGIN_USER_FAILURE_MAX: '5',
      LOGIN_RATE_WINDOW_SECONDS: '60',
      LOGIN_USER_FAILURE_WINDOW_SECONDS: '600',
    });
  });
  after(() => api.close());

  const login = (username: string, password: string, address: string) =>
    api.http.post('/users/auth/login', { json: { username, password, client_type: 'web' }, headers: { 'x-forwarded-for': address } });

  async function owner(): Promise<{ username: string; password: string }> {
    const username = uniqueUsername('owner');
    const password = 'the-owners-password';
    expect((await api.http.post('/users/auth/register', { json: { username, password } })).status).to.equal(201);
    return { username, password };
  }

  it('stops one address guessing one account, and lets the owner in from their own address', async () => {
    const { username, password } = await owner();
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await login(username, `wrong-${i}-password`, '10.1.1.1')).status);
    expect(statuses).to.deep.equal([401, 401, 401, 429, 429]);
    const refused = await login(username, password, '10.1.1.1');
    expect(refused.status).to.equal(429);
    expect(refused.body.error.code).to.equal('rate_limited');
    expect(Number(refused.headers.get('retry-after'))).to.be.within(1, 60);

    expect((await login(username, password, '10.1.1.2')).status).to.equal(200);
  });

  it('refuses failures from many addresses once past the per-username ceiling, but never from the owner\'s known address', async () => {
    const { username, password } = await owner();
    expect((await login(username, password, '10.2.0.1')).status).to.equal(200); // the owner's usual address

    const attacker = [];
    for (let i = 1; i <= 11; i++) attacker.push((await login(username, `guess-${i}-password`, `10.2.1.${i}`)).status);
    expect(attacker).to.deep.equal([401, 401, 401, 401, 401, 429, 429, 429, 429, 429, 429]);
    // Still refused for the attacker, even with the right password from an address the owner never used.
    expect((await login(username, password, '10.2.1.99')).status).to.equal(429);

    expect((await login(username, password, '10.2.0.1')).status).to.equal(200);
  });

  it('refuses one address trying many usernames, not other addresses', async () => {
    const statuses = [];
    for (let i = 0; i < 7; i++) statuses.push((await login(uniqueUsername('spray'), 'sprayed-password', '10.3.1.1')).status);
    expect(statuses).to.deep.equal([401, 401, 401, 401, 401, 401, 429]);
    const { username, password } = await owner();
    expect((await login(username, password, '10.3.1.1')).status).to.equal(429);
    expect((await login(username, password, '10.3.1.2')).status).to.equal(200);
  });

  it('keys addresses by what the proxy appended, so a client cannot choose its own', async () => {
    const { username, password } = await owner();
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await login(username, 'not-the-password', `192.0.2.${i}, 10.5.1.1`)).status);
    expect(statuses).to.deep.equal([401, 401, 401, 429]);
    expect((await login(username, password, '10.5.1.2')).status).to.equal(200);
  });

  it('counts only failures toward the per-username ceiling', async () => {
    const { username, password } = await owner();
    // Ten successes from ten new addresses use none of the five failures the username may take.
    for (let i = 1; i <= 10; i++) expect((await login(username, password, `10.4.1.${i}`)).status).to.equal(200);
    const failures = [];
    for (let i = 1; i <= 6; i++) failures.push((await login(username, 'not-the-password', `10.4.2.${i}`)).status);
    expect(failures).to.deep.equal([401, 401, 401, 401, 401, 429]);
  });
});
