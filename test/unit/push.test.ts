import { expect } from 'chai';
import { loadConfig, ConfigError } from '../../shared/config.ts';
import { PushPayload } from '../../shared/contracts/push.ts';
import { checkPushStatus, DeviceGoneError, PushRefusedError, PushRetryError, retryAfterMs } from '../../shared/push/providers/push-provider.ts';
import { pushWindow } from '../../shared/push/schedule-pushes.ts';
import { composeMessagesPush, composeNotificationPush } from '../../workers/push/compose-push.ts';
import { pushBackoff } from '../../workers/start-workers.ts';

const uid = 'a'.repeat(32);
const newest = { id: '9', seq: '7', sender_uid: 'b'.repeat(32), message: 'meet at\n5   pm', message_type: 'text', mentions: [] as string[] };

describe('push', () => {
  describe('push service answers', () => {
    it('maps 2xx to sent, 404/410 to a gone device, 429/5xx to a retry with Retry-After, other 4xx to a final refusal', () => {
      expect(() => checkPushStatus('svc', 201, null)).to.not.throw();
      for (const status of [404, 410]) expect(() => checkPushStatus('svc', status, null)).to.throw(DeviceGoneError);
      for (const status of [429, 500, 503]) expect(() => checkPushStatus('svc', status, '7')).to.throw(PushRetryError).with.property('retryAfterMs', 7000);
      for (const status of [400, 401, 403, 413]) expect(() => checkPushStatus('svc', status, null)).to.throw(PushRefusedError);
    });

    it('reads Retry-After as seconds or as an HTTP date', () => {
      const now = Date.parse('2026-11-30T12:00:00Z');
      expect(retryAfterMs('3', now)).to.equal(3000);
      expect(retryAfterMs('Mon, 30 Nov 2026 12:00:10 GMT', now)).to.equal(10_000);
      expect(retryAfterMs('Mon, 30 Nov 2026 11:00:00 GMT', now)).to.equal(0);
      expect(retryAfterMs('soon', now)).to.equal(null);
      expect(retryAfterMs(null, now)).to.equal(null);
    });

    it('backs off as the service said, else exponentially within 10 minutes', () => {
      expect(pushBackoff(1, 'push', new PushRetryError('busy', 2500))).to.equal(2500);
      for (let attempt = 1; attempt < 30; attempt++) {
        const delay = pushBackoff(attempt, 'push', new Error('network'));
        expect(delay).to.be.at.least(0).and.at.most(Math.min(600_000, 1000 * 2 ** (attempt - 1)));
      }
    });
  });

  it('puts changes within one PUSH_DELAY_MS window under one job', () => {
    const at = (ms: number) => new Date(1_800_000_000_000 + ms);
    expect(pushWindow(at(0), 5000)).to.equal(pushWindow(at(4999), 5000));
    expect(pushWindow(at(5000), 5000)).to.equal(pushWindow(at(0), 5000) + 1);
    expect(pushWindow(at(10), 0)).to.be.a('number');
  });

  describe('payloads', () => {
    it('counts the waiting messages and previews the newest one', () => {
      const push = composeMessagesPush({ chatId: '3', uid, pending: { count: 4, newest }, senderName: 'Alice', chatName: 'Climbers', previews: true });
      expect(PushPayload.parse(push)).to.deep.equal(push);
      expect(push).to.include({ count: 4, msg_id: '9', seq: 7, preview: 'meet at 5 pm', title: 'Climbers', body: 'Alice: meet at 5 pm (4 new messages)', mention: false });
    });

    it('without previews carries no text of the message, only who and how many', () => {
      const direct = composeMessagesPush({ chatId: '3', uid, pending: { count: 1, newest: { ...newest, mentions: [uid] } }, senderName: 'Alice', chatName: null, previews: false });
      expect(direct).to.include({ preview: null, title: 'Alice', body: 'Mentioned you', mention: true });
      const group = composeMessagesPush({ chatId: '3', uid, pending: { count: 5, newest }, senderName: 'Alice', chatName: 'Climbers', previews: false });
      expect(group).to.include({ preview: null, body: 'Alice: 5 new messages' });
      expect(JSON.stringify([direct, group])).to.not.include('meet');
    });

    it('keeps long previews short and names files and images', () => {
      const long = composeMessagesPush({ chatId: '3', uid, pending: { count: 1, newest: { ...newest, message: 'x'.repeat(5000) } }, senderName: 'A', chatName: null, previews: true });
      expect(long.preview).to.have.length(200);
      const image = composeMessagesPush({ chatId: '3', uid, pending: { count: 1, newest: { ...newest, message_type: 'image', message: 'file_abc' } }, senderName: 'A', chatName: null, previews: true });
      expect(image.preview).to.equal('Sent an image');
    });

    it('words friend requests, invitations and reminders, hiding their text without previews', () => {
      const notification = (type: string, data: Record<string, unknown>) => ({ id: '11', uid, type, data, created_at: new Date() });
      const request = notification('friend_request', { request_id: '1', from_uid: newest.sender_uid, apply_msg: 'hi, it is Bob' });
      expect(composeNotificationPush({ notification: request, byName: 'Bob', chatName: null, previews: true })).to.include({ title: 'Friend request', body: 'Bob: hi, it is Bob', by_uid: newest.sender_uid });
      expect(composeNotificationPush({ notification: request, byName: 'Bob', chatName: null, previews: false })).to.include({ body: 'Bob wants to be your friend', preview: null });
      const invite = notification('added_to_group', { group_id: '2', chat_id: '3', by_uid: newest.sender_uid });
      expect(composeNotificationPush({ notification: invite, byName: 'Bob', chatName: 'Climbers', previews: true })).to.include({ title: 'Climbers', body: 'Bob added you to Climbers', chat_id: '3' });
      const reminder = notification('reminder', { chat_id: '3', msg_id: '9', seq: 7, by_uid: newest.sender_uid, message: 'water the plants' });
      expect(composeNotificationPush({ notification: reminder, byName: 'Bob', chatName: null, previews: false })).to.include({ title: 'Reminder', body: 'Reminder from Bob', preview: null });
    });
  });

  describe('settings', () => {
    it('needs nothing: Web Push works with keys made on first use, FCM and APNs are off', () => {
      const config = loadConfig({});
      expect(config.push).to.deep.include({ delayMs: 5000, previews: true, fcm: null, apns: null });
      expect(config.push.webPush.keys).to.equal(null);
    });

    it('refuses half a VAPID pair and an APNs key without its ids', () => {
      expect(() => loadConfig({ VAPID_PUBLIC_KEY: 'B'.repeat(87) })).to.throw(ConfigError, 'VAPID_PRIVATE_KEY');
      expect(() => loadConfig({ APNS_KEY_FILE: '/k.p8' })).to.throw(ConfigError).with.property('problems').that.has.length(3);
      expect(loadConfig({ PUSH_PREVIEWS: 'false' }).push.previews).to.equal(false);
    });
  });
});
