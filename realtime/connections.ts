import type { AuthContext } from '../shared/auth/authenticate.ts';
import { CloseCode } from '../shared/contracts/close-codes.ts';
import type { UpgradeCredentials } from './authenticate-upgrade.ts';
import type { WebSocket } from './uws.ts';

/**
 * Per-socket state. A socket is upgraded first and authenticated right after it opens: `auth` is
 * set once its credentials are verified, and until then it receives nothing.
 */
export interface SocketData {
  credentials: UpgradeCredentials;
  /** Why the socket is closed as soon as it opens (browsers can read a close code, not an HTTP status). */
  refusal?: { code: number; reason: string };
  auth?: AuthContext;
  /** The browser page's origin ('' for non-browser clients) and the client's address (the forwarded one behind the api). */
  origin: string;
  clientAddress: string;
  /** When the client last sent anything (frame, ping or pong), for the idle close. */
  lastHeardAt: number;
  /** When the socket's session expires (ms); asked again then, in case it was refreshed. */
  sessionExpiresAt?: number;
  checkingSession?: boolean;
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
 */
export class Connections {
  private readonly byUser = new Map<string, Set<Socket>>();
  private readonly byChat = new Map<string, Set<Socket>>();
  private readonly chatsOfSocket = new Map<Socket, Set<string>>();
  private readonly blocksOf = new Map<string, Set<string>>();

  constructor(private readonly onDropped: () => void = () => {}) {}

  get size(): number {
    return this.chatsOfSocket.size;
  }

  /** Adds a socket; answers true when it is its user's first on this node. */
  add(ws: Socket, uid: string): boolean {
    this.chatsOfSocket.set(ws, new Set());
    return addToIndex(this.byUser, uid, ws);
  }

  /** Removes a socket; answers the chats it leaves empty on this node, and whether it was its user's last. */
  remove(ws: Socket, uid: string): { lastOfUser: boolean; emptiedChats: string[] } {
    const emptiedChats = [...(this.chatsOfSocket.get(ws) ?? [])].filter((chatId) => this.leaveChat(ws, chatId));
    this.chatsOfSocket.delete(ws);
    const lastOfUser = removeFromIndex(this.byUser, uid, ws) || !this.byUser.has(uid);
    if (lastOfUser) this.blocksOf.delete(uid);
    return { lastOfUser, emptiedChats };
  }

  has(ws: Socket): boolean {
    return this.chatsOfSocket.has(ws);
  }

  socketsOf(uid: string): readonly Socket[] {
    return [...(this.byUser.get(uid) ?? [])];
  }

  users(): string[] {
    return [...this.byUser.keys()];
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
    const chats = this.chatsOfSocket.get(ws);
    if (!chats || chats.has(chatId)) return false;
    chats.add(chatId);
    return addToIndex(this.byChat, chatId, ws);
  }

  /** Answers true when the chat has no socket left on this node. */
  leaveChat(ws: Socket, chatId: string): boolean {
    this.chatsOfSocket.get(ws)?.delete(chatId);
    return removeFromIndex(this.byChat, chatId, ws);
  }

  setBlocks(uid: string, blocked: Iterable<string>): void {
    this.blocksOf.set(uid, new Set(blocked));
  }

  updateBlock(uid: string, other: string, blocked: boolean): void {
    const set = this.blocksOf.get(uid);
    if (!set) return;
    if (blocked) set.add(other);
    else set.delete(other);
  }

  sendToUser(uid: string, frame: string): number {
    let sent = 0;
    for (const ws of this.byUser.get(uid) ?? []) if (this.deliver(ws, frame)) sent++;
    return sent;
  }

  /** A large group's frame to every local member socket, except members who block the sender. */
  sendToChat(chatId: string, senderUid: string, frame: string): number {
    let sent = 0;
    for (const ws of this.byChat.get(chatId) ?? []) {
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

/** Adds a socket under a key (a user, a chat); answers true when it is the key's first. */
function addToIndex(index: Map<string, Set<Socket>>, key: string, ws: Socket): boolean {
  const sockets = index.get(key);
  if (sockets) {
    sockets.add(ws);
    return false;
  }
  index.set(key, new Set([ws]));
  return true;
}

/** Removes a socket from under a key; answers true when that left the key empty (the key is dropped). */
function removeFromIndex(index: Map<string, Set<Socket>>, key: string, ws: Socket): boolean {
  const sockets = index.get(key);
  if (!sockets || !sockets.delete(ws) || sockets.size > 0) return false;
  index.delete(key);
  return true;
}
