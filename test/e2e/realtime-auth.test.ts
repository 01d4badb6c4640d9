import { expect } from 'chai';
import { CloseCode } from '../../shared/contracts/close-codes.ts';
import { startSystem, type RunningSystem } from '../support/system.ts';
import { signUp, type TestUser } from '../support/users.ts';
import { connectWs } from '../support/ws-client.ts';

describe('realtime: authentication at upgrade', function () {
  this.timeout(60_000);
  let system: RunningSystem;
  let user: TestUser;
  before(async () => {
    system = await startSystem({ WS_MAX_PAYLOAD_BYTES: '1024' });
    user = await signUp(system.http, { stem: 'ws' });
  });
  after(async () => {
    await system?.stop();
  });

  const url = (query: string) => `${system.wsUrl}?${query}`;

  it('accepts the token in the Authorization header and answers ping with pong', async () => {
    const ws = await connectWs(url(`uid=${user.uid}`), { authorization: `Bearer ${user.token}` });
    ws.socket.send('ping');
    expect(await ws.nextFrame()).to.equal('pong');
    ws.close();
  });

  it('accepts the token as ?token=', async () => {
    const ws = await connectWs(url(`uid=${user.uid}&token=${user.token}`));
    ws.socket.send('ping');
    expect(await ws.nextFrame()).to.equal('pong');
    ws.close();
  });

  it('accepts a ticket once; the second use is closed with 4001', async () => {
    const { body } = await system.http.post('/users/auth/ws_ticket', { token: user.token });
    const first = await connectWs(url(`uid=${user.uid}&ticket=${body.ticket}`));
    first.socket.send('ping');
    expect(await first.nextFrame()).to.equal('pong');
    const second = await connectWs(url(`uid=${user.uid}&ticket=${body.ticket}`));
    expect((await second.closed).code).to.equal(CloseCode.badToken);
    first.close();
  });

  it('refuses a ticket whose session was revoked after it was issued', async () => {
    const other = await signUp(system.http, { stem: 'wsrev' });
    const { body } = await system.http.post('/users/auth/ws_ticket', { token: other.token });
    await system.http.post('/users/auth/logout', { token: other.token });
    const ws = await connectWs(url(`uid=${other.uid}&ticket=${body.ticket}`));
    expect((await ws.closed).code).to.equal(CloseCode.badToken);
  });

  it('closes with 4001 when the uid does not match the token, or credentials are missing or bad', async () => {
    const stranger = await signUp(system.http, { stem: 'wsx' });
    for (const query of [
      `uid=${stranger.uid}&token=${user.token}`,
      `uid=${user.uid}`,
      `token=${user.token}`,
      `uid=${user.uid}&token=${user.token.slice(0, 99)}x`,
      `uid=${user.uid}&ticket=${'A'.repeat(40)}`,
    ]) {
      const ws = await connectWs(url(query));
      expect((await ws.closed).code, query).to.equal(CloseCode.badToken);
    }
  });

  it('closes with 4001 once the token is logged out', async () => {
    const other = await signUp(system.http, { stem: 'wsout' });
    await system.http.post('/users/auth/logout', { token: other.token });
    const ws = await connectWs(url(`uid=${other.uid}&token=${other.token}`));
    expect((await ws.closed).code).to.equal(CloseCode.badToken);
  });

  it('answers an unsupported frame with an error event and keeps the socket', async () => {
    const ws = await connectWs(url(`uid=${user.uid}&token=${user.token}`));
    ws.socket.send('{not json');
    expect(JSON.parse(await ws.nextFrame())).to.deep.include({ event: 'error' });
    ws.socket.send('ping');
    expect(await ws.nextFrame()).to.equal('pong');
    ws.close();
  });

  it('closes with 1009 on a frame over the size limit', async () => {
    const ws = await connectWs(url(`uid=${user.uid}&token=${user.token}`));
    ws.socket.send('x'.repeat(2048));
    expect((await ws.closed).code).to.equal(CloseCode.frameTooBig);
  });
});
