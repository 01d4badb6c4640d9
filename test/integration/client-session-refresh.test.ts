import { expect } from 'chai';
import { WettyClient } from '../../client/src/index.ts';
import { startTestApi, type TestApi } from '../support/api-server.ts';
import { signUp } from '../support/users.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The SDK's session refresh against the real api, with tokens that live only seconds. */
describe('client SDK: session refresh', () => {
  let api: TestApi;
  before(async () => {
    api = await startTestApi({ MOBILE_TOKEN_TTL_SECONDS: '4' });
  });
  after(async () => {
    await api.close();
  });

  it('refreshes a short-lived token before it expires, no more than twice per token life', async () => {
    const user = await signUp(api.http, { stem: 'refr' });
    let refreshes = 0;
    const countingFetch: typeof fetch = (input, init) => {
      if (String(input instanceof Request ? input.url : input).endsWith('/users/auth/refresh')) refreshes++;
      return fetch(input, init);
    };
    const client = new WettyClient({ baseUrl: api.http.baseUrl, clientType: 'mobile', fetch: countingFetch });
    try {
      await client.login({ username: user.username, password: user.password });
      const first = client.session?.token;
      // 9 s is past two lives of a 4 s token: the session must still work on refreshed tokens.
      await sleep(9000);
      expect(client.session?.token).to.be.a('string').and.not.equal(first);
      expect((await client.users.profile()).username).to.equal(user.username);
      // Halfway through each life at the earliest: about 9 / 2 refreshes, never a loop of them.
      expect(refreshes).to.be.within(2, 6);
    } finally {
      client.close();
    }
  });
});
