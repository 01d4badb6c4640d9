import { expect } from 'chai';
import { startTestApi, type TestApi } from '../support/api-server.ts';
import { signUp, type TestUser } from '../support/users.ts';

describe('users: profiles and search', () => {
  let api: TestApi;
  let user: TestUser;
  before(async () => {
    api = await startTestApi();
    user = await signUp(api.http, { stem: 'prof' });
  });
  after(() => api.close());

  it('GET /users/profile answers the caller\'s own profile with the documented fields', async () => {
    const res = await api.http.get('/users/profile', { token: user.token });
    expect(res.status).to.equal(200);
    expect(res.body).to.include({ uid: user.uid, username: user.username, nickname: user.username, avatar_fid: null, bio: '', sr_link: null, add_friend_setting: 'verify' });
  });

  it('PUT /users/profile changes only the fields sent', async () => {
    const fid = `file_${'a'.repeat(22)}`;
    const res = await api.http.put('/users/profile', {
      token: user.token,
      json: { nickname: 'Alice', bio: 'line one\nline two', sr_link: 'https://example.org/me', avatar_fid: fid, add_friend_setting: 'mutual' },
    });
    expect(res.status).to.equal(200);
    expect(res.body).to.include({ nickname: 'Alice', bio: 'line one\nline two', sr_link: 'https://example.org/me', avatar_fid: fid, add_friend_setting: 'mutual' });
    const second = await api.http.put('/users/profile', { token: user.token, json: { bio: 'changed', sr_link: null } });
    expect(second.body).to.include({ nickname: 'Alice', bio: 'changed', sr_link: null, add_friend_setting: 'mutual' });
    for (const setting of ['anyone', 'verify', 'mutual', 'nobody']) {
      const r = await api.http.put('/users/profile', { token: user.token, json: { add_friend_setting: setting } });
      expect(r.body.add_friend_setting).to.equal(setting);
    }
  });

  const invalid: [string, unknown][] = [
    ['an empty body', {}],
    ['an unknown add_friend_setting', { add_friend_setting: 'friends_of_friends' }],
    ['an empty nickname', { nickname: '   ' }],
    ['an over-long nickname', { nickname: 'n'.repeat(65) }],
    ['a nickname with control characters', { nickname: 'a\u0007b' }],
    ['an over-long bio', { bio: 'b'.repeat(501) }],
    ['a javascript: link', { sr_link: 'javascript:alert(1)' }],
    ['a malformed avatar fid', { avatar_fid: '../../etc/passwd' }],
    ['a field that cannot be changed here', { username: 'renamed' }],
    ['wrong types', { bio: 12, nickname: false }],
  ];
  for (const [what, json] of invalid) {
    it(`PUT /users/profile refuses ${what} with 400 and changes nothing`, async () => {
      const before = (await api.http.get('/users/profile', { token: user.token })).body;
      const res = await api.http.put('/users/profile', { token: user.token, json });
      expect(res.status).to.equal(400);
      expect(res.body.error.code).to.equal('invalid_input');
      expect((await api.http.get('/users/profile', { token: user.token })).body).to.deep.equal(before);
    });
  }

  it('GET /users/{uid} shows the public profile only, to signed-in users', async () => {
    const other = await signUp(api.http, { stem: 'pub' });
    const res = await api.http.get(`/users/${user.uid}`, { token: other.token });
    expect(res.status).to.equal(200);
    expect(res.body).to.have.all.keys('uid', 'username', 'nickname', 'avatar_fid', 'bio', 'sr_link');
    expect((await api.http.get(`/users/${user.uid}`)).status).to.equal(401);
  });

  it('GET /users/{uid} answers 404 for an unknown uid and 400 for a malformed one', async () => {
    expect((await api.http.get(`/users/${'0'.repeat(32)}`, { token: user.token })).status).to.equal(404);
    const malformed = await api.http.get('/users/ABC', { token: user.token });
    expect(malformed.status).to.equal(400);
    expect(malformed.body.error.details[0].field).to.equal('uid');
  });

  it('GET /users/search finds usernames by prefix, case-insensitively, page by page', async () => {
    const stem = `srch${Date.now().toString(36)}`;
    const made = [];
    for (let i = 0; i < 5; i++) made.push(await signUp(api.http, { stem }));
    const names = made.map((u) => u.username).sort();

    const first = await api.http.get(`/users/search?q=${stem.toUpperCase()}&limit=3`, { token: user.token });
    expect(first.status).to.equal(200);
    expect(first.body.users.map((u: { username: string }) => u.username)).to.deep.equal(names.slice(0, 3));
    expect(first.body.users[0]).to.not.have.any.keys('add_friend_setting', 'password_hash', 'secret_key');
    const second = await api.http.get(`/users/search?q=${stem}&limit=3&cursor=${first.body.next_cursor}`, { token: user.token });
    expect(second.body.users.map((u: { username: string }) => u.username)).to.deep.equal(names.slice(3));
    expect(second.body.next_cursor).to.equal(null);
  });

  it('GET /users/search treats % and _ literally and validates its query', async () => {
    const res = await api.http.get('/users/search?q=%25', { token: user.token });
    expect(res.status).to.equal(200);
    expect(res.body.users).to.deep.equal([]);
    for (const query of ['', '?q=', `?q=${'x'.repeat(33)}`, '?q=a&limit=0', '?q=a&limit=500', '?q=a&limit=ten']) {
      const bad = await api.http.get(`/users/search${query}`, { token: user.token });
      expect(bad.status, query).to.equal(400);
    }
  });
});
