import { expect } from 'chai';
import webpush from 'web-push';
import type { PushPayload } from '../../shared/contracts/push.ts';
import { DeviceGoneError } from '../../shared/push/providers/push-provider.ts';
import { webPushProvider } from '../../shared/push/providers/web-push.provider.ts';
import { browserSubscription, startWebPushService, type LocalService } from '../support/push-services.ts';

/**
 * A browser's push endpoint is a URL any user chooses: the workers must not become a way to reach
 * the network they run in. A name is only known at delivery, so the check is on the address connected to.
 */
describe('Web Push: the push service must be on a public address (a local service on loopback)', () => {
  let service: LocalService;
  before(async () => {
    service = await startWebPushService();
  });
  after(async () => {
    await service.close();
  });

  const vapidKeys = webpush.generateVAPIDKeys();
  const payload: PushPayload = { type: 'notification', notification_id: '1', notification_type: 'friend_request', chat_id: null, by_uid: null, preview: null, title: 'Wetty', body: 'A friend request' };
  const deviceAt = (endpoint: string) => {
    const { keys } = browserSubscription(endpoint);
    return { id: '1', uid: 'a'.repeat(32), client_key: 'k', kind: 'webpush' as const, address: endpoint, p256dh: keys.p256dh, auth: keys.auth, created_at: new Date() };
  };
  const provider = (allowLocal: boolean) => webPushProvider({ vapidKeys: async () => vapidKeys, subject: 'mailto:ops@wetty.invalid', allowLocal });

  it('sends nothing to a name that resolves to loopback, and treats the device as gone', async () => {
    const port = new URL(service.url).port;
    const before = service.received.length;
    for (const endpoint of [`http://localhost:${port}/send/a`, `${service.url}/send/b`]) {
      let thrown: unknown;
      await provider(false).send(deviceAt(endpoint), payload, { collapseKey: 'c' }).catch((err: unknown) => (thrown = err));
      expect(thrown, endpoint).to.be.instanceOf(DeviceGoneError);
    }
    expect(service.received.length).to.equal(before);
  });

  it('reaches a local push service only when WEBPUSH_ALLOW_LOCAL allows it', async () => {
    const before = service.received.length;
    await provider(true).send(deviceAt(`${service.url}/send/c`), payload, { collapseKey: 'c' });
    expect(service.received.length).to.equal(before + 1);
    expect(service.received.at(-1)?.headers['content-encoding']).to.equal('aes128gcm');
  });
});
