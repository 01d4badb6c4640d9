import type { SendRequest } from '../../shared/queues/contracts.ts';
import { findMessage, findMessageAnywhere, type FileMeta, type NewMessage } from '../../shared/db/repositories/messages.repository.ts';
import { canDownloadFile } from '../../shared/access/file-access.ts';
import { findFile } from '../../shared/db/repositories/files.repository.ts';
import { findLiveSessions } from '../../shared/db/repositories/sessions.repository.ts';
import type { SendRefusal } from '../../shared/access/user-state.ts';
import type { JobRefusal } from '../../shared/contracts/job-outcomes.ts';
import type { WorkerDeps } from '../deps.ts';

export type { SendRequest };

export type Refusal = JobRefusal;

export type GateResult = { ok: true; message: NewMessage } | { ok: false; refusal: Refusal };

const refuse = (status: Refusal['status'], code: string, message: string): GateResult => ({ ok: false, refusal: { status, code, message } });

/** Whether each request's session still exists and has not expired: one query for a batch. */
export async function liveSessions(deps: WorkerDeps, requests: readonly SendRequest[]): Promise<(request: SendRequest) => boolean> {
  const keyOf = (uid: string, clientKey: string) => `${uid}:${clientKey}`;
  const asked = new Map(requests.map((r) => [keyOf(r.sender_uid, r.client_key), { uid: r.sender_uid, clientKey: r.client_key }]));
  const live = new Set((await findLiveSessions(deps.db, [...asked.values()])).map((row) => keyOf(row.uid, row.client_key)));
  return (request) => live.has(keyOf(request.sender_uid, request.client_key));
}

/** The refusal of a send whose session has ended (logged out, revoked or expired) since the api accepted it. */
export const sessionEnded = (): GateResult => refuse(403, 'session_ended', 'This session has ended; log in again');

/**
 * The user state checks of one send beyond its session (`liveSessions`, asked at the same time; an
 * ended session's refusal comes first), in the order a person would explain them: allowed to speak in
 * this chat (friendship, blocks, membership, mute), and every message it points at (reply, thread
 * root, forwarded source, file) visible to the sender. It only reads.
 */
export async function gateSend(deps: WorkerDeps, request: SendRequest): Promise<GateResult> {
  const decision = await deps.userState.canSend(request.sender_uid, request.chat_id);
  if (!decision.allowed) return refuse(403, decision.code, SEND_REFUSALS[decision.code]);

  for (const [field, id] of [['reply_to_id', request.reply_to_id], ['reply_root_id', request.reply_root_id]] as const) {
    if (id === null) continue;
    const target = await findMessage(deps.db, request.chat_id, id);
    if (!target) return refuse(400, 'invalid_reply', `${field} is not a message of this chat`);
  }

  let body = { message: request.message, message_type: request.message_type, format: request.format, file: null as FileMeta | null };
  if (request.forward_from_id !== null) {
    // A forward names its source by id only: one probe of every partition's id index.
    const source = await findMessageAnywhere(deps.db, request.forward_from_id);
    if (!source || !(await deps.userState.canSeeMessage(request.sender_uid, source))) return refuse(404, 'not_found', 'The message to forward was not found');
    if (source.message_type === 'system') return refuse(400, 'cannot_forward', 'System messages cannot be forwarded');
    body = { message: source.message, message_type: source.message_type, format: source.format, file: source.file };
  } else if (request.message_type === 'image' || request.message_type === 'file') {
    const file = await sendableFile(deps, request.sender_uid, request.message);
    if (!file) return refuse(404, 'file_not_found', 'No file with that fid is yours to send');
    body.file = file;
  }

  // Mentions only reach people in the chat; anyone else is dropped, not refused.
  const mentions: string[] = [];
  for (const uid of new Set(request.mentions)) {
    if (uid !== request.sender_uid && (await deps.userState.member(request.chat_id, uid))) mentions.push(uid);
  }

  return {
    ok: true,
    message: {
      chat_id: request.chat_id,
      sender_uid: request.sender_uid,
      client_generated_id: request.client_generated_id,
      ...body,
      message_type: body.message_type,
      reply_to_id: request.reply_to_id,
      reply_root_id: request.reply_root_id,
      forwarded_from: request.forward_from_id,
      mentions,
      remind_at: request.remind_at === null ? null : new Date(request.remind_at),
    },
  };
}

/** The file a sender may attach: theirs, or one they may download. */
async function sendableFile(deps: WorkerDeps, uid: string, fid: string): Promise<FileMeta | null> {
  if (!(await canDownloadFile(deps.db, uid, fid))) return null;
  const file = await findFile(deps.db, fid);
  return file ? { fid: file.fid, name: file.name, size: file.size, mime: file.mime, width: file.width, height: file.height } : null;
}

export const SEND_REFUSALS: Record<SendRefusal, string> = {
  not_member: 'You are not a member of this chat',
  not_friends: 'You can only message friends directly',
  blocked: 'One of you blocks the other',
  muted: 'You are muted in this group',
  muted_all: 'Only the owner and managers may speak in this group right now',
};
