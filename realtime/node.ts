import { z } from 'zod';
import { CloseCode } from '../shared/contracts/close-codes.ts';
import { parseControlFrame } from '../shared/contracts/control-events.ts';
import { decodeChatPayload, encodeFrame, frameIdentity, publishAll } from '../shared/contracts/events.ts';
import { publishToChats } from '../shared/delivery/fan-out.ts';
import { blockedBy, largeGroupChatsOf, presenceAudience } from '../shared/db/repositories/realtime.repository.ts';
import { Connections, type Socket } from './connections.ts';
import type { RealtimeDeps } from './deps.ts';
import { createPresence } from './presence.ts';
import { RecentFrames } from './recent-frames.ts';
import { reconcileSockets } from './reconcile.ts';
import { Subscriptions } from './subscriptions.ts';
import { TypingThrottle } from './typing-throttle.ts';

const TypingFrame = z.object({ event: z.literal('typing'), data: z.object({ chat_id: z.string().regex(/^[0-9]{1,19}$/) }) });
const TYPING_INTERVAL_MS = 2000;

/**
 * What a realtime node does, apart from speaking uWebSockets.js: keeps each connected user's Redis
 * channels subscribed, relays what arrives to their sockets, acts on control events (revoked
 * sessions, membership and block changes), and publishes the ephemeral events clients send (typing)
 * or cause (presence).
 */
export function createRealtimeNode(deps: RealtimeDeps) {
  const { keys, log } = deps;
  const userPrefix = keys.userChannel('');
  const chatPrefix = keys.chatChannel('');
  const { realtime: pushed, messages } = deps.metrics;
  const connections = new Connections(() => pushed.slowSocketsDropped.inc());
  const typing = new TypingThrottle<Socket>(TYPING_INTERVAL_MS);
  const recent = new RecentFrames(deps.config.realtime.repeats.windowMs, deps.config.realtime.repeats.maxEntries);

  const subscriptions = new Subscriptions(deps.subscriber, log, onChannelMessage, () => {
    const frame = encodeFrame('on_notify', { type: 'resync', created_at: new Date().toISOString() });
    for (const ws of connections.all()) connections.deliver(ws, frame);
    pushed.resyncs.inc({ reason: 'redis_resubscribed' });
    // Control events published while the subscription was down never arrive: re-read their outcome.
    reconcileSockets(deps, connections, subscriptions).catch((err: unknown) => log.error({ err }, 'could not re-check sockets after resubscribing'));
  });

  function onChannelMessage(channel: string, message: string): void {
    if (channel.startsWith(chatPrefix)) {
      const { senderUid, frame } = decodeChatPayload(message);
      if (isRepeat(channel, frame)) return;
      counted(frame, connections.sendToChat(channel.slice(chatPrefix.length), senderUid, frame));
      return;
    }
    if (!channel.startsWith(userPrefix)) return;
    const uid = channel.slice(userPrefix.length);
    if (message.startsWith('{"event":"_')) {
      onControl(uid, message).catch((err: unknown) => {
        // The node cannot tell what this user's sockets may now receive: they reconnect and start
        // again from the database's truth rather than keep a permission that may be stale.
        log.error({ err, uid }, 'control event failed; closing the user\'s sockets');
        for (const ws of connections.socketsOf(uid)) ws.end(CloseCode.tryAgainLater, 'try again later');
      });
      return;
    }
    if (isRepeat(channel, message)) return;
    counted(message, connections.sendToUser(uid, message));
  }

  /** The same push again (same channel, event and id) shortly after: its sockets already have it. */
  function isRepeat(channel: string, frame: string): boolean {
    const identity = frameIdentity(frame);
    if (identity === undefined || recent.firstPush(channel, identity)) return false;
    pushed.repeatsDropped.inc({ event: identity.slice(0, identity.indexOf(':')) });
    return true;
  }

  /** Frames written, by event; for a new message also how long after its commit it reached sockets. */
  function counted(frame: string, sockets: number): void {
    if (sockets === 0) return;
    const event = frame.slice(10, frame.indexOf('"', 10));
    pushed.messagesPushed.inc({ event }, sockets);
    if (event !== 'on_message') return;
    const createdAt = /"created_at":"([^"]+)"/.exec(frame)?.[1];
    if (createdAt) messages.persistToPushSeconds.observe(Math.max(0, Date.now() - Date.parse(createdAt)) / 1000);
  }

  async function onControl(uid: string, message: string): Promise<void> {
    const control = parseControlFrame(message);
    if (!control) {
      log.warn({ uid, frame: message.slice(0, 200) }, 'control event does not match its contract; ignored');
      return;
    }
    if (control.event === '_session_revoked') {
      const { client_key } = control.data;
      for (const ws of connections.socketsOf(uid)) {
        if (client_key === null || client_key === ws.getUserData().auth?.clientKey) ws.end(CloseCode.sessionRevoked, 'session revoked');
      }
    } else if (control.event === '_blocks') {
      connections.updateBlock(uid, control.data.uid, control.data.blocked);
    } else {
      const chatId = control.data.chat_id;
      const facts = control.data.member ? await deps.userState.chat(chatId) : null;
      const large = facts?.kind === 'group' && facts.category === 'large';
      for (const ws of connections.socketsOf(uid)) {
        if (large) await joinChat(ws, chatId);
        else if (connections.leaveChat(ws, chatId)) await subscriptions.remove(keys.chatChannel(chatId));
      }
    }
  }

  async function joinChat(ws: Socket, chatId: string): Promise<void> {
    if (connections.joinChat(ws, chatId)) await subscriptions.add(keys.chatChannel(chatId));
  }

  async function publishPresence(uid: string, status: 'online' | 'offline'): Promise<void> {
    const frame = encodeFrame('on_presence', { uid, status, at: new Date().toISOString() });
    await publishAll(deps.redis, keys, (await presenceAudience(deps.db, uid)).map((friend) => ({ uid: friend, frame })));
  }

  const presence = createPresence({
    redis: deps.redis,
    keys,
    ttlMs: deps.config.realtime.presenceTtlMs,
    log,
    isLocal: (uid) => connections.socketsOf(uid).length > 0,
    localUsers: () => connections.users(),
    announce: publishPresence,
  });

  return {
    connections,
    subscriptions,
    presence,

    /** A socket passed authentication: subscribe what it needs, and tell friends if the user just came online. */
    /** `ready` adds fields to the socket's `on_ready` (ping interval, idle timeout, session expiry). */
    async connected(ws: Socket, uid: string, ready: Record<string, unknown> = {}): Promise<void> {
      const first = connections.add(ws, uid);
      if (first) {
        await subscriptions.add(keys.userChannel(uid));
        connections.setBlocks(uid, await blockedBy(deps.db, uid));
      }
      for (const chatId of await largeGroupChatsOf(deps.db, uid)) {
        if (!connections.has(ws)) return; // closed meanwhile
        await joinChat(ws, chatId);
      }
      // From here on every event reaches this socket: the client fills gaps with ?after= now.
      if (connections.has(ws)) connections.deliver(ws, encodeFrame('on_ready', { uid, at: new Date().toISOString(), ...ready }));
      await presence.sync(uid);
    },

    async disconnected(ws: Socket, uid: string): Promise<void> {
      const { lastOfUser, emptiedChats } = connections.remove(ws, uid);
      for (const chatId of emptiedChats) await subscriptions.remove(keys.chatChannel(chatId));
      if (!lastOfUser) return;
      await subscriptions.remove(keys.userChannel(uid));
      await presence.sync(uid);
    },

    /** A JSON frame from a client. Answers an error frame to send back, or null. */
    async clientFrame(ws: Socket, uid: string, text: string): Promise<string | null> {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        return errorFrame('invalid_frame', 'Send text "ping" or a JSON {"event","data"} frame');
      }
      const frame = TypingFrame.safeParse(parsed);
      if (!frame.success) return errorFrame('unsupported_frame', 'The only client event is {"event":"typing","data":{"chat_id"}}');
      const chatId = frame.data.data.chat_id;
      // At most one every 2 s per chat, a bounded number of chats and checks per socket; the rest are dropped.
      if (!typing.begin(ws, chatId)) return null;
      try {
        if (!(await deps.userState.canSend(uid, chatId)).allowed) return errorFrame('not_allowed', 'You cannot type in that chat');
        await publishToChats(deps, [{ chatId, actorUid: uid, frame: encodeFrame('on_typing', { chat_id: chatId, uid }) }], [], { skipActor: true });
        return null;
      } finally {
        typing.done(ws);
      }
    },
  };
}

const errorFrame = (code: string, message: string) => encodeFrame('error', { code, message });

export type RealtimeNode = ReturnType<typeof createRealtimeNode>;
