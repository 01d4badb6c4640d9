import { expect } from 'chai';
import { CloseCode } from '../../shared/contracts/close-codes.ts';
import { startSystem, type RunningSystem } from '../support/system.ts';
import { signUp, type TestUser } from '../support/users.ts';
import { connectWs, type WsConnection } from '../support/ws-client.ts';

const TTL_SECONDS = 5;
const IDLE_SECONDS = 8;
const ALLOWED = 'http://app.wetty.test:8080';

describe('realtime: session expiry, idle close and page origins', function () {
  this.timeout(90_000);
  let system: RunningSystem;
  let mobile: TestUser;
  before(async () => {
    system = await startSystem({ WEB_TOKEN_TTL_SECONDS: String(TTL_SECONDS), WS_IDLE_TIMEOUT_SECONDS: String(IDLE_SECONDS), CORS_ORIGINS: ALLOWED });
    mobile = await signUp(system.http, { stem: 'wsmob', clientType: 'mobile' });
  });
  after(async () => {
    await system?.stop();
  });

  const url = (user: TestUser, token = user.token) => `${system.wsUrl}?uid=${user.uid}&token=${token}`;
  /** A web login that says when its session expires. */
  const webLogin = async (user: TestUser) => {
    const res = await system.http.post('/users/auth/login', { json: { username: user.username, password: user.password, client_type: 'web' } });
    return { token: res.body.token as string, expiresAt: Date.parse(res.body.expires_at) };
  };
  /** Keeps a socket from going idle while a test waits for something else. */
  const keepAlive = (ws: WsConnection) => {
    const timer = setInterval(() => ws.socket.send('ping'), 1000);
    void ws.closed.then(() => clearInterval(timer));
    return () => clearInterval(timer);
  };

  it('tells the client the ping interval, idle timeout and session expiry in on_ready', async () => {
    const user = await signUp(system.http, { stem: 'wsready' });
    const { token, expiresAt } = await webLogin(user);
    const ws = await connectWs(url(user, token));
    const ready = (await ws.waitFor((f) => f.event === 'on_ready')).data;
    expect(ready).to.include({ uid: user.uid, idle_timeout_ms: IDLE_SECONDS * 1000, ping_interval_ms: 3200 });
    expect(Date.parse(ready.session_expires_at)).to.equal(expiresAt);
    const sessions = await system.http.get('/users/sessions', { token });
    expect(sessions.body.sessions.find((s: { current: boolean }) => s.current).expires_at).to.equal(ready.session_expires_at);
    ws.close();
  });

  it('closes a live socket with 4002 when its session expires, and refuses the expired token with 4002 (a forged one: 4001)', async () => {
    const user = await signUp(system.http, { stem: 'wsexp' });
    const { token, expiresAt } = await webLogin(user);
    const ws = await connectWs(url(user, token));
    keepAlive(ws);
    const closed = await ws.closed;
    expect(closed).to.deep.equal({ code: CloseCode.sessionExpired, reason: 'session expired' });
    expect(Date.now()).to.be.at.least(expiresAt);
    expect(Date.now()).to.be.below(expiresAt + 2500);

    const again = await connectWs(url(user, token));
    expect((await again.closed).code).to.equal(CloseCode.sessionExpired);
    // Once a new login has cleared the expired session away, the old token still reads as expired.
    await webLogin(user);
    expect((await (await connectWs(url(user, token))).closed).code).to.equal(CloseCode.sessionExpired);
    const forged = `${token.slice(0, 40)}${'x'.repeat(24)}${token.slice(64)}`;
    expect((await (await connectWs(url(user, forged))).closed).code).to.equal(CloseCode.badToken);
  });

  it('keeps the socket of a session refreshed before expiry until the new expiry', async () => {
    const user = await signUp(system.http, { stem: 'wsref' });
    const { token, expiresAt } = await webLogin(user);
    const ws = await connectWs(url(user, token));
    keepAlive(ws);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const refreshed = await system.http.post('/users/auth/refresh', { token });
    expect(refreshed.status).to.equal(200);
    const newExpiry = Date.parse(refreshed.body.expires_at);
    expect(newExpiry).to.be.above(expiresAt);
    const closed = await ws.closed;
    expect(closed.code).to.equal(CloseCode.sessionExpired);
    expect(Date.now()).to.be.at.least(newExpiry);
  });

  it('closes a silent socket with 4005 and a reason; pings keep it open', async () => {
    const quiet = await connectWs(url(mobile));
    const talking = await connectWs(url(mobile));
    const stop = keepAlive(talking);
    const opened = Date.now();
    expect(await quiet.closed).to.deep.equal({ code: CloseCode.idleTimeout, reason: 'idle timeout' });
    expect(Date.now() - opened).to.be.at.least(IDLE_SECONDS * 1000 - 1500);
    expect(talking.socket.readyState).to.equal(talking.socket.OPEN);
    stop();
    talking.close();
  });

  it('refuses a page on an origin not allowed with 4004; allowed, same-origin and non-browser clients connect', async () => {
    const refused = await connectWs(url(mobile), { origin: 'http://evil.wetty.test' });
    expect(await refused.closed).to.deep.equal({ code: CloseCode.originNotAllowed, reason: 'origin not allowed' });
    const self = new URL(system.wsUrl.replace('ws:', 'http:')).origin;
    for (const headers of [{ origin: ALLOWED }, { origin: self }, {}] as Record<string, string>[]) {
      const ws = await connectWs(url(mobile), headers);
      expect(ws.frames[0] ?? '', JSON.stringify(headers)).to.contain('on_ready');
      ws.close();
    }
  });
});
