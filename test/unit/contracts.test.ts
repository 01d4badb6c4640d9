import { expect } from 'chai';
import { encodeControlFrame, parseControlFrame } from '../../shared/contracts/control-events.ts';
import { Effects } from '../../shared/contracts/effects.ts';
import { parseServerFrame } from '../../client/src/protocol/frames.ts';
import { encodeFrame } from '../../shared/contracts/events.ts';
import { JobRefusedError, readRefusal } from '../../shared/contracts/job-outcomes.ts';
import { sendBatchJob } from '../../shared/queues/contracts.ts';

const uid = 'a'.repeat(32);

describe('cross-process contracts', () => {
  it('a refusal thrown by a worker is read back by the api as the same declared shape', () => {
    const err = new JobRefusedError({ status: 403, code: 'muted', message: 'You are muted in this group' });
    expect(readRefusal(err.message)).to.deep.equal({ status: 403, code: 'muted', message: 'You are muted in this group' });
  });

  it('any other failure is not a refusal, even if it looks like JSON', () => {
    expect(readRefusal('{"status":403,"code":"muted","message":"x"}')).to.equal(null);
    expect(readRefusal('connect ECONNREFUSED 127.0.0.1:6379')).to.equal(null);
    expect(readRefusal('refused:{"status":500,"code":"x","message":"y"}')).to.equal(null);
    expect(readRefusal('refused:not json')).to.equal(null);
  });

  it('a refusal outside the contract cannot be thrown', () => {
    expect(() => new JobRefusedError({ status: 500 as 403, code: 'x', message: 'y' })).to.throw();
  });

  it('control frames round-trip; frames that break the contract are rejected', () => {
    const frame = encodeControlFrame({ event: '_membership', data: { chat_id: '12', member: false } });
    expect(parseControlFrame(frame)).to.deep.equal({ event: '_membership', data: { chat_id: '12', member: false } });
    expect(parseControlFrame('{"event":"_membership","data":{"chat_id":12}}')).to.equal(null);
    expect(parseControlFrame('{"event":"_unknown","data":{}}')).to.equal(null);
    expect(parseControlFrame('not json')).to.equal(null);
    expect(() => encodeControlFrame({ event: '_blocks', data: { uid: 'nope', blocked: true } })).to.throw();
  });

  it('server frames, typed by the protocol declaration, are read back by the SDK', () => {
    const frames = [
      encodeFrame('on_recall', { chat_id: '1', msg_id: '2', seq: 3, cursor: 4 }),
      encodeFrame('on_read', { chat_id: '1', uid, seq: 3 }),
      encodeFrame('on_notify', { type: 'resync', created_at: new Date().toISOString() }),
      encodeFrame('on_reaction', { chat_id: '1', msg_id: '2', seq: 3, uid, emoji: '👍', action: 'added', reactions: [{ emoji: '👍', count: 1, uids: [uid] }], cursor: 5 }),
    ];
    for (const frame of frames) expect(parseServerFrame(frame), frame).to.deep.equal(JSON.parse(frame));
    expect(parseServerFrame('{"event":"on_unknown","data":{}}')).to.equal(undefined);
    expect(parseServerFrame('{"event":"on_recall"}')).to.equal(undefined);
  });

  it('a send job names its session by a client key as tokens carry it: padded, longer, shorter or other keys are refused at parse', () => {
    const send = {
      sender_uid: uid, client_key: 'Ab3dEf6hIj9lMn0p', chat_id: '1', client_generated_id: 'c-1', message: 'hi', message_type: 'text', format: 'plain',
      reply_to_id: null, reply_root_id: null, forward_from_id: null, mentions: [], remind_at: null, accepted_at: new Date().toISOString(), ref: 0,
    };
    const batch = (client_key: string) => ({ chat_id: '1', reply_to: 'replies', sends: [{ ...send, client_key }] });
    expect(sendBatchJob.schema.safeParse(batch(send.client_key)).success).to.equal(true);
    for (const key of [`${send.client_key} `, `${send.client_key}X`, send.client_key.slice(1), '', 'Ab3dEf6hIj9lMn0-', 'Ab3dEf6hIj9lMn0\u00e9']) {
      expect(sendBatchJob.schema.safeParse(batch(key)).success, JSON.stringify(key)).to.equal(false);
    }
    expect(sendBatchJob.schema.safeParse({ ...batch(send.client_key), sends: [{ ...send, sender_uid: uid.toUpperCase() }] }).success).to.equal(false);
  });

  it('effects are checked before they are stored', () => {
    expect(Effects.safeParse([{ kind: 'messages', msg_ids: ['1', '2'] }, { kind: 'control', uid, control: { event: '_session_revoked', data: { client_key: null } } }]).success).to.equal(true);
    expect(Effects.safeParse([{ kind: 'messages', msg_ids: [] }]).success).to.equal(false);
    expect(Effects.safeParse([{ kind: 'publish', channel: 'x' }]).success).to.equal(false);
  });
});
