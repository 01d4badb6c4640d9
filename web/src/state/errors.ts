import { isWettyError } from '@wetty/client';

const MESSAGES: Record<string, string> = {
  invalid_credentials: 'Wrong username or password.',
  username_taken: 'That username is taken.',
  rate_limited: 'Too many attempts. Wait a moment and try again.',
  network_error: 'The server cannot be reached. Check your connection.',
  not_friends: 'You are not friends any more.',
  blocked: 'This conversation is blocked.',
  muted: 'You are muted in this group.',
  muted_all: 'Only managers can write in this group right now.',
  not_member: 'You are not a member of this chat.',
  recall_window_passed: 'It is too late to recall that message.',
  not_accepting_requests: 'This person does not accept friend requests.',
  not_mutual: 'This person only accepts requests from people you share a friend or group with.',
  already_friends: 'You are already friends.',
  invalid_markdown: 'That markdown is not accepted (no raw HTML; links must be http(s) or mailto).',
  payload_too_large: 'That file is too large.',
  owner_must_transfer: 'Transfer the group to someone else before leaving.',
  insufficient_role: 'Your role does not allow that.',
  invite_only: 'This group is invite only.',
};

/** A sentence for a person, from an error code (and the api's own message as the fallback). */
export function describeCode(code: string, fallback: string): string {
  return MESSAGES[code] ?? fallback;
}

/** A sentence for a person, from any failure the SDK reports. */
export function describeError(error: unknown): string {
  if (isWettyError(error)) return MESSAGES[error.code] ?? error.message;
  if (error instanceof Error) return error.message;
  return 'Something went wrong.';
}

export function errorCode(error: unknown): string | undefined {
  return isWettyError(error) ? error.code : undefined;
}
