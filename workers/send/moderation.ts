import { randomUUID } from 'node:crypto';
import { ModerationVerdict } from '../../shared/contracts/webhooks.ts';
import type { JobRefusal } from '../../shared/contracts/job-outcomes.ts';
import { multiLine } from '../../shared/validation/fields.ts';
import { validateMarkdown } from '../../shared/validation/markdown.ts';
import { textProblem } from '../../shared/validation/text.ts';
import { postSigned } from '../../shared/webhooks/post-signed.ts';
import type { WorkerDeps } from '../deps.ts';
import type { SendRequest } from './gate.ts';

/** A send after the moderation hook: its text possibly replaced, or a denial the gate answers once its own checks pass. */
export type ModeratedSend = SendRequest & { denied?: JobRefusal };

export const MODERATION_EVENT_TYPE = 'message.before_send';
const REPLACEMENT = multiLine(4000).min(1);

/** Text messages are asked about; emotes, files, images and forwards (already moderated) are not. */
const asksAbout = (request: SendRequest) => request.forward_from_id === null && (request.message_type === 'text' || request.message_type === 'reminder');

/** What the hook decided about one text: keep it, store another text instead, or refuse it. */
export type ModerationOutcome = { kind: 'allow' } | { kind: 'replace'; message: string } | { kind: 'deny'; refusal: JobRefusal };

/** What the hook is asked about: a new message, or a new text for a stored one (`edit_of`). */
interface ModerationQuestion {
  sender_uid: string;
  chat_id: string;
  client_generated_id: string | null;
  edit_of: string | null;
  message_type: string;
  format: SendRequest['format'];
  message: string;
  reply_to_id: string | null;
  mentions: readonly string[];
}

/**
 * Asks the before-send hook (`MODERATION_WEBHOOK_URL`) about one message, with a request signed like
 * a webhook: allow, deny with a code, or replace the text. Each send asks on its own before it joins
 * a batch, so a slow hook holds only its own message, never the rest of a batch. No answer within
 * `MODERATION_TIMEOUT_MS`, a non-2xx, or an answer that is not a verdict (or a replacement that is
 * not a valid message) counts as the hook failing: the message is stored (`MODERATION_FAIL=open`) or
 * refused with `403 moderation_unavailable` (`closed`). The hook is asked again if the job runs again,
 * so it should answer the same for the same (sender_uid, client_generated_id).
 */
export async function moderateSend(deps: WorkerDeps, request: SendRequest): Promise<ModeratedSend> {
  if (deps.config.moderation === null || !asksAbout(request)) return request;
  const outcome = await askModeration(deps, {
    sender_uid: request.sender_uid,
    chat_id: request.chat_id,
    client_generated_id: request.client_generated_id,
    edit_of: null,
    message_type: request.message_type,
    format: request.format,
    message: request.message,
    reply_to_id: request.reply_to_id,
    mentions: request.mentions,
  });
  if (outcome.kind === 'allow') return request;
  return outcome.kind === 'replace' ? { ...request, message: outcome.message } : { ...request, denied: outcome.refusal };
}

/**
 * Asks the hook about an edit's new text, as about a send (`edit_of` names the message), so an edit
 * cannot carry what a send could not. Emotes are not asked about, as for sends.
 */
export async function moderateEdit(deps: WorkerDeps, edit: { uid: string; chat_id: string; msg_id: string; message_type: string; format: SendRequest['format']; message: string }): Promise<ModerationOutcome> {
  if (deps.config.moderation === null || edit.message_type !== 'text') return { kind: 'allow' };
  return askModeration(deps, {
    sender_uid: edit.uid,
    chat_id: edit.chat_id,
    client_generated_id: null,
    edit_of: edit.msg_id,
    message_type: edit.message_type,
    format: edit.format,
    message: edit.message,
    reply_to_id: null,
    mentions: [],
  });
}

async function askModeration(deps: WorkerDeps, question: ModerationQuestion): Promise<ModerationOutcome> {
  const hook = deps.config.moderation;
  if (hook === null) return { kind: 'allow' };
  const verdicts = deps.metrics.webhooks.moderationVerdicts;
  const failed = (reason: string): ModerationOutcome => {
    deps.log.warn({ reason, chat_id: question.chat_id, client_generated_id: question.client_generated_id, edit_of: question.edit_of, failOpen: hook.failOpen }, 'moderation hook failed');
    verdicts.inc({ verdict: hook.failOpen ? 'failed_open' : 'failed_closed' });
    return hook.failOpen
      ? { kind: 'allow' }
      : { kind: 'deny', refusal: { status: 403, code: 'moderation_unavailable', message: 'Messages cannot be checked right now; try again later' } };
  };

  const event = { id: randomUUID(), type: MODERATION_EVENT_TYPE, created_at: new Date().toISOString(), data: question };
  let verdict: ModerationVerdict;
  try {
    // The hook is the operator's own service, often on a private network: its address is not restricted.
    const answer = await postSigned({ url: hook.url, secret: hook.secret, eventType: event.type, deliveryId: event.id, body: JSON.stringify(event), timeoutMs: hook.timeoutMs, allowPrivate: true });
    if (answer.status < 200 || answer.status > 299) return failed(`answered ${answer.status}`);
    const parsed = ModerationVerdict.safeParse(JSON.parse(answer.body));
    if (!parsed.success) return failed('the answer is not a verdict');
    verdict = parsed.data;
  } catch (err) {
    return failed((err as Error).message);
  }

  verdicts.inc({ verdict: verdict.action });
  switch (verdict.action) {
    case 'allow':
      return { kind: 'allow' };
    case 'deny':
      return { kind: 'deny', refusal: { status: 403, code: 'message_denied', message: verdict.message ?? 'This message was refused by moderation', details: { reason: verdict.code } } };
    case 'replace': {
      const problem = replacementProblem(verdict.message, question.format);
      return problem === null ? { kind: 'replace', message: verdict.message } : failed(`its replacement is not a valid message: ${problem}`);
    }
  }
}

function replacementProblem(text: string, format: SendRequest['format']): string | null {
  if (!REPLACEMENT.safeParse(text).success) return '1–4000 characters, no control characters but newline and tab';
  const unsafe = textProblem(text);
  if (unsafe !== null) return unsafe;
  if (format === 'markdown') {
    try {
      validateMarkdown(text);
    } catch (err) {
      return (err as Error).message;
    }
  }
  return null;
}
