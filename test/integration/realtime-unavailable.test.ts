import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { issueWsTicket } from '../../shared/auth/ws-ticket.ts';
import { CloseCode } from '../../shared/contracts/close-codes.ts';
import { createLogger } from '../../shared/logger.ts';
import { openRealtimeDeps } from '../../realtime/deps.ts';
import { createRealtimeServer } from '../../realtime/server.ts';
import { uws } from '../../realtime/uws.ts';
import { testConfig } from '../support/config.ts';
import { connectWs } from '../support/ws-client.ts';

describe('realtime: when credentials cannot be checked', () => {
  it('closes the socket with 1013 (try again later) instead of leaving it waiting', async () => {
    // Redis answers (the ticket is read) but PostgreSQL does not (the ticket's session cannot be checked).
    const config = testConfig({ DATABASE_URL: 'postgres://postgres@127.0.0.1:1/unreachable' });
    const deps = await openRealtimeDeps(config, createLogger(config, 'realtime-test'), { processMetrics: false });
    const server = createRealtimeServer(deps);
    try {
      const port = uws.us_socket_local_port(await server.listen('127.0.0.1', 0));
      const uid = randomBytes(16).toString('hex');
      const ticket = await issueWsTicket(deps.redis, deps.keys, { uid, clientKey: 'A'.repeat(16), clientType: 'web' }, 60);
      const ws = await connectWs(`ws://127.0.0.1:${port}${config.realtime.path}?uid=${uid}&ticket=${ticket}`);
      expect(await ws.closed).to.deep.equal({ code: CloseCode.tryAgainLater, reason: 'try again later' });
      expect(server.connectionCount()).to.equal(0);
    } finally {
      await server.close();
      await deps.close();
    }
  });
});
