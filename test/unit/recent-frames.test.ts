import { expect } from 'chai';
import { encodeFrame, frameIdentity, notificationFrame } from '../../shared/contracts/events.ts';
import { toMessageView } from '../../shared/db/repositories/messages.repository.ts';
import { RecentFrames } from '../../realtime/recent-frames.ts';

const uid = 'a'.repeat(32);
const message = toMessageView({
  id: '7001', chat_id: '42', seq: '9', sender_uid: uid, message: 'say "id":"1" and "msg_id":"2"', message_type: 'text', format: 'plain',
  client_generated_id: 'c-1', reply_to_id: null, reply_root_id: null, forwarded_from: null, mentions: [], file: null,
  remind_at: null, recalled_at: null, edited_at: null, edit_count: 0, created_at: new Date(),
});

describe('repeated frames', () => {
  describe('frame identity', () => {
    it('names on_message by message id, a stored on_notify by its id', () => {
      expect(frameIdentity(encodeFrame('on_message', message))).to.equal('on_message:7001');
      expect(frameIdentity(notificationFrame({ id: '88', type: 'mention', created_at: new Date(), data: { chat_id: '42' } }))).to.equal('on_notify:88');
    });

    it('names a chat change by its chat and cursor, in whatever key order its data comes back from jsonb', () => {
      expect(frameIdentity(encodeFrame('on_recall', { chat_id: '42', msg_id: '7001', seq: 9, cursor: 5 }))).to.equal('on_recall:42:5');
      expect(frameIdentity('{"event":"on_recall","data":{"seq":9,"cursor":5,"msg_id":"7001","chat_id":"42"}}')).to.equal('on_recall:42:5');
      const edit = encodeFrame('on_edit', {
        chat_id: '42', msg_id: '7001', seq: 9, message: 'now "cursor":1, "chat_id":"9"', format: 'plain', edited_at: new Date().toISOString(), edit_count: 1, cursor: 17,
      });
      expect(frameIdentity(edit)).to.equal('on_edit:42:17');
      const reaction = (cursor: number) => encodeFrame('on_reaction', { chat_id: '42', msg_id: '7001', seq: 9, uid, emoji: '👍', action: 'added', reactions: [], cursor });
      expect([frameIdentity(reaction(6)), frameIdentity(reaction(7))], 'two reaction changes are two pushes').to.deep.equal(['on_reaction:42:6', 'on_reaction:42:7']);
      expect(frameIdentity(encodeFrame('on_pin', { chat_id: '42', msg_id: '7001', pinned: true, by_uid: uid, at: new Date().toISOString(), cursor: 8 }))).to.equal('on_pin:42:8');
    });

    it('gives none to frames that may repeat: typing, presence, reads, a resync notice', () => {
      const frames = [
        encodeFrame('on_typing', { chat_id: '42', uid }),
        encodeFrame('on_presence', { uid, status: 'online', at: new Date().toISOString() }),
        encodeFrame('on_read', { chat_id: '42', uid, seq: 9 }),
        encodeFrame('on_notify', { type: 'resync', created_at: new Date().toISOString() }),
        '{"event":"on_message","data":{"chat_id":"42","id":"7001"}}',
        '{"event":"on_recall","data":{"chat_id":"42","msg_id":"7001"}}',
      ];
      for (const frame of frames) expect(frameIdentity(frame), frame).to.equal(undefined);
    });
  });

  describe('recent frames memory', () => {
    it('lets the first push through and drops the same one on the same channel within the window', () => {
      let now = 0;
      const recent = new RecentFrames(60_000, 100, () => now);
      expect(recent.firstPush('u:1', 'on_message:7')).to.equal(true);
      expect(recent.firstPush('u:1', 'on_message:7')).to.equal(false);
      expect(recent.firstPush('u:2', 'on_message:7'), 'another channel').to.equal(true);
      expect(recent.firstPush('u:1', 'on_recall:7'), 'another event').to.equal(true);
      now = 59_999;
      expect(recent.firstPush('u:1', 'on_message:7')).to.equal(false);
      now = 60_000;
      expect(recent.firstPush('u:1', 'on_message:7'), 'after the window').to.equal(true);
      expect(recent.firstPush('u:1', 'on_message:7')).to.equal(false);
    });

    it('forgetting a key\'s past push keeps its newer one', () => {
      let now = 0;
      const recent = new RecentFrames(100, 1000, () => now);
      recent.firstPush('u:1', 'on_message:1');
      now = 100;
      expect(recent.firstPush('u:1', 'on_message:1'), 'after the window').to.equal(true);
      now = 150;
      recent.firstPush('u:1', 'on_message:2');
      expect(recent.firstPush('u:1', 'on_message:1'), 'still within the window of its second push').to.equal(false);
    });

    it('stays bounded, forgetting the oldest first, and forgets what is past the window', () => {
      let now = 0;
      const recent = new RecentFrames(60_000, 1000, () => now);
      for (let i = 0; i < 5000; i++) recent.firstPush('u:1', `on_message:${i}`);
      expect(recent.size).to.equal(1000);
      expect(recent.firstPush('u:1', 'on_message:4999')).to.equal(false);
      expect(recent.firstPush('u:1', 'on_message:0'), 'forgotten').to.equal(true);
      now = 60_000;
      recent.firstPush('u:1', 'on_message:new');
      expect(recent.size).to.equal(1);
    });
  });
});
