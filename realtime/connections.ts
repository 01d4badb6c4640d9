import type { AuthContext } from '../shared/auth/authenticate.ts';
import { CloseCode } from '../shared/contracts/close-codes.ts';
import type { UpgradeCredentials } from './authenticate-upgrade.ts';
import type { WebSocket } from './uws.ts';

/**
 * Per-socket state. A socket is upgraded first and authenticated right after it opens: `auth` is
 * set once its credentials are verified, and until then it receives nothing.
 */
export interface SocketData {
  /** What the upgrade carried; dropped once the socket is authenticated or refused. */
  credentials: UpgradeCredentials | undefined;
  /** Why the socket is closed as soon as it opens (browsers can read a close code, not an HTTP status). */
  refusal: { code: number; reason: string } | undefined;
  auth: AuthContext | undefined;
  /** When the client last sent anything (frame, ping or pong), for the idle close. */
  lastHeardAt: number;
  /** When the socket's session expires (ms, 0 until authenticated); asked again then, in case it was refreshed. */
  sessionExpiresAt: number;
  checkingSession: boolean;
  /** Set by the close handler: the uWS socket must not be touched after that. */
  closed: boolean;
}
export type Socket = WebSocket<SocketData>;

/** What uWS's `send` answers when a socket's backpressure is past its limit and the frame was not sent. */
const DROPPED = 2;

/**
 * The sockets of this node, indexed by user and by large-group chat, and for each connected user the
 * people they block (so a large group's frames can be held back without asking Redis or PostgreSQL).
 * Delivery never loses a frame silently: a socket that cannot take one is closed with 4008, and the
 * client catches up with `?after=` when it reconnects.
 *
 * Kept small per socket, since a node holds tens of thousands: a user with one socket is indexed by
 * the socket itself (a set only from the second), and a socket's chats and a user's blocks are kept
 * only once there is something in them.
 */
export class Connections {
  private readonly byUser = new SocketIndex();
  private readonly byChat = new SocketIndex();
  /** Every socket, with the large-group chats it receives (undefined: none). */
  private readonly chatsOfSocket = new Map<Socket, Set<string> | undefined>();
  /** Connected users who block someone → the people they block (a connected user not here blocks nobody). */
  private readonly blocksOf = new Map<string, Set<string>>();

  constructor(private readonly onDropped: () => void = () => {}) {}

  get size(): number {
    return this.chatsOfSocket.size;
  }

  /** Adds a socket; answers true when it is its user's first on this node. */
  add(ws: Socket, uid: string): boolean {
    this.chatsOfSocket.set(ws, undefined);
    return this.byUser.add(uid, ws);
  }

  /** Removes a socket; answers the chats it leaves empty on this node, and whether it was its user's last. */
  remove(ws: Socket, uid: string): { lastOfUser: boolean; emptiedChats: string[] } {
    const emptiedChats = this.chatsOf(ws).filter((chatId) => this.leaveChat(ws, chatId));
    this.chatsOfSocket.delete(ws);
    const lastOfUser = this.byUser.remove(uid, ws) || !this.byUser.has(uid);
    if (lastOfUser) this.blocksOf.delete(uid);
    return { lastOfUser, emptiedChats };
  }

  has(ws: Socket): boolean {
    return this.chatsOfSocket.has(ws);
  }

  socketsOf(uid: string): readonly Socket[] {
    return this.byUser.list(uid);
  }

  users(): string[] {
    return this.byUser.keys();
  }

  all(): Socket[] {
    return [...this.chatsOfSocket.keys()];
  }

  /** The large-group chats a socket receives. */
  chatsOf(ws: Socket): string[] {
    return [...(this.chatsOfSocket.get(ws) ?? [])];
  }

  /** Answers true when this is the chat's first socket on this node. */
  joinChat(ws: Socket, chatId: string): boolean {
    if (!this.chatsOfSocket.has(ws)) return false;
    let chats = this.chatsOfSocket.get(ws);
    if (chats?.has(chatId)) return false;
    if (!chats) this.chatsOfSocket.set(ws, (chats = new Set()));
    chats.add(chatId);
    return this.byChat.add(chatId, ws);
  }

  /** Answers true when the chat has no socket left on this node. */
  leaveChat(ws: Socket, chatId: string): boolean {
    const chats = this.chatsOfSocket.get(ws);
    if (chats?.delete(chatId) && chats.size === 0) this.chatsOfSocket.set(ws, undefined);
    return this.byChat.remove(chatId, ws);
  }

  setBlocks(uid: string, blocked: Iterable<string>): void {
    const set = new Set(blocked);
    if (set.size > 0) this.blocksOf.set(uid, set);
    else this.blocksOf.delete(uid);
  }

  /** A block made or lifted by a user connected here (others' blocks are read when they connect). */
  updateBlock(uid: string, other: string, blocked: boolean): void {
    if (!this.byUser.has(uid)) return;
    const set = this.blocksOf.get(uid);
    if (blocked) {
      if (set) set.add(other);
      else this.blocksOf.set(uid, new Set([other]));
    } else if (set?.delete(other) && set.size === 0) {
      this.blocksOf.delete(uid);
    }
  }

  sendToUser(uid: string, frame: string): number {
    let sent = 0;
    for (const ws of this.byUser.live(uid)) if (this.deliver(ws, frame)) sent++;
    return sent;
  }

  /** A large group's frame to every local member socket, except members who block the sender. */
  sendToChat(chatId: string, senderUid: string, frame: string): number {
    let sent = 0;
    for (const ws of this.byChat.live(chatId)) {
      const uid = ws.getUserData().auth?.uid;
      if (uid === undefined || this.blocksOf.get(uid)?.has(senderUid)) continue;
      if (this.deliver(ws, frame)) sent++;
    }
    return sent;
  }

  deliver(ws: Socket, frame: string): boolean {
    if (ws.send(frame) !== DROPPED) return true;
    this.onDropped();
    ws.end(CloseCode.tooSlow, 'too slow');
    return false;
  }
}

/**
 * Sockets by key (a user, a chat). A key with one socket maps to the socket itself, and to a set only
 * from its second: most users hold one socket, and a set costs more than the socket's whole entry.
 */
class SocketIndex {
  private readonly index = new Map<string, Socket | Set<Socket>>();

  has(key: string): boolean {
    return this.index.has(key);
  }

  keys(): string[] {
    return [...this.index.keys()];
  }

  /** The key's sockets, as a copy (safe to close them while walking it). */
  list(key: string): Socket[] {
    return [...this.live(key)];
  }

  /** The key's sockets without a copy, for delivering one frame to each. */
  live(key: string): Iterable<Socket> {
    const entry = this.index.get(key);
    if (entry === undefined) return [];
    return entry instanceof Set ? entry : [entry];
  }

  /** Answers true when the socket is the key's first. */
  add(key: string, ws: Socket): boolean {
    const entry = this.index.get(key);
    if (entry === undefined) {
      this.index.set(key, ws);
      return true;
    }
    if (entry instanceof Set) entry.add(ws);
    else if (entry !== ws) this.index.set(key, new Set([entry, ws]));
    return false;
  }

  /** Answers true when removing the socket left the key empty (the key is dropped). */
  remove(key: string, ws: Socket): boolean {
    const entry = this.index.get(key);
    if (entry === undefined) return false;
    if (!(entry instanceof Set)) {
      if (entry !== ws) return false;
      this.index.delete(key);
      return true;
    }
    if (!entry.delete(ws)) return false;
    if (entry.size === 1) this.index.set(key, entry.values().next().value as Socket);
    return false;
  }
}
