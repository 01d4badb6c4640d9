import { route } from '../http/route.ts';
import { getChanges } from './chat-changes.service.ts';
import * as reads from './chat-reads.service.ts';
import { ChatSettingsBody, ChatSettingsResponse } from './chat-settings.schema.ts';
import * as settings from './chat-settings.service.ts';
import { openDirectChat } from './direct-chat.service.ts';
import * as actions from './message-actions.service.ts';
import { editMessage, getEdits } from './message-edits.service.ts';
import { searchChats } from './message-search.service.ts';
import * as s from './messages.schema.ts';
import { getPins, pinMessage, unpinMessage } from './pins.service.ts';
import { SearchQuery, SearchResponse } from './search.schema.ts';
import { sendMessage } from './send-message.service.ts';

const tag = 'chats';

/** `/chats/...`: sending and editing (through the workers), reading, search, read state, push settings, recall, reactions, pins and the change feed. */
export const chatsRoutes = [
  route({
    method: 'get', path: '/chats', tag, auth: true, summary: 'My chats, most recently active first',
    query: s.ListChatsQuery, response: s.ChatsResponse,
    handle: (deps, { auth, query }) => reads.listChats(deps, auth, query.limit),
  }),
  route({
    method: 'post', path: '/chats/direct', tag, auth: true, summary: 'Get or create the direct chat with a friend',
    body: s.DirectChatBody, response: s.DirectChatResponse,
    errors: { 400: ['invalid_target'], 403: ['blocked', 'not_friends'], 404: ['not_found'] },
    handle: (deps, { auth, body }) => openDirectChat(deps, auth, body.target_user_id),
  }),
  // Before the `/chats/:chat_id/…` routes, so no parameter route can take `search` for a chat id.
  route({
    method: 'get', path: '/chats/search', tag, auth: true,
    summary: 'Search the messages you may read: words, "phrases", -excluded; newest first or by rank',
    query: SearchQuery, response: SearchResponse,
    errors: { 400: ['invalid_query'], 404: ['not_found'] },
    handle: (deps, { auth, query }) => searchChats(deps, auth, query),
  }),
  route({
    method: 'post', path: '/chats/message/recall', tag, auth: true, summary: 'Recall a message (sender within the window; owner and managers any time)',
    body: s.RecallBody, response: s.RecallResponse,
    alsoAnswers: { 202: { description: 'Queued: the worker did not answer within API_JOB_WAIT_MS; the recall still runs', response: s.QueuedActionResponse } },
    errors: { 403: ['not_allowed', 'recall_window_passed'], 404: ['not_found'] },
    handle: (deps, { auth, body }) => actions.recall(deps, auth, body.msg_id),
  }),
  route({
    method: 'get', path: '/chats/:chat_id/messages', tag, auth: true, summary: 'Messages newest first (?before=<message id>), or after a seq (?after=) in order',
    params: s.ChatParams, query: s.ListMessagesQuery, response: s.MessagesResponse,
    handle: (deps, { auth, params, query }) => reads.getMessages(deps, auth, params.chat_id, query),
  }),
  route({
    method: 'post', path: '/chats/:chat_id/messages', tag, auth: true, summary: 'Send a message: 201 stored, 202 queued',
    params: s.ChatParams, body: s.SendMessageBody, status: 201, response: s.MessageResponse,
    alsoAnswers: { 202: { description: 'Queued: the worker did not answer within API_JOB_WAIT_MS; the send still runs, and a refusal then arrives as `on_notify send_failed`', response: s.QueuedResponse } },
    errors: {
      400: ['invalid_markdown', 'invalid_reply', 'cannot_forward'],
      403: ['session_ended', 'not_member', 'not_friends', 'blocked', 'muted', 'muted_all', 'message_denied', 'moderation_unavailable'],
      404: ['file_not_found'],
      409: ['client_generated_id_reused'],
      429: ['rate_limited'],
    },
    handle: (deps, { auth, params, body }) => sendMessage(deps, auth, params.chat_id, body),
  }),
  route({
    method: 'get', path: '/chats/:chat_id/settings', tag, auth: true, summary: 'My push settings for the chat',
    params: s.ChatParams, response: ChatSettingsResponse,
    handle: (deps, { auth, params }) => settings.getChatSettings(deps, auth, params.chat_id),
  }),
  route({
    method: 'put', path: '/chats/:chat_id/settings', tag, auth: true, summary: 'Set which pushes of the chat I get (all, mentions, none) and mute them until a time',
    params: s.ChatParams, body: ChatSettingsBody, response: ChatSettingsResponse,
    handle: (deps, { auth, params, body }) => settings.putChatSettings(deps, auth, params.chat_id, body),
  }),
  route({
    method: 'post', path: '/chats/:chat_id/read', tag, auth: true, summary: 'Mark the chat read up to a seq',
    params: s.ChatParams, body: s.ReadBody, response: s.ReadResponse,
    handle: (deps, { auth, params, body }) => reads.readChat(deps, auth, params.chat_id, body.seq),
  }),
  route({
    method: 'post', path: '/chats/:chat_id/messages/:msg_id/reactions', tag, auth: true, summary: 'React to a message',
    params: s.MessageParams, body: s.ReactionBody, response: s.ReactionsResponse,
    alsoAnswers: { 202: { description: 'Queued: the worker did not answer within API_JOB_WAIT_MS; the reaction still applies', response: s.QueuedActionResponse } },
    handle: (deps, { auth, params, body }) => actions.react(deps, auth, params.chat_id, params.msg_id, body.emoji, 'add'),
  }),
  route({
    method: 'delete', path: '/chats/:chat_id/messages/:msg_id/reactions/:emoji', tag, auth: true, summary: 'Take back a reaction',
    params: s.ReactionParams, response: s.ReactionsResponse,
    alsoAnswers: { 202: { description: 'Queued: the worker did not answer within API_JOB_WAIT_MS; the reaction is still taken back', response: s.QueuedActionResponse } },
    handle: (deps, { auth, params }) => actions.react(deps, auth, params.chat_id, params.msg_id, params.emoji, 'remove'),
  }),
  route({
    method: 'patch', path: '/chats/:chat_id/messages/:msg_id', tag, auth: true, summary: 'Edit your own text or emote message (within EDIT_WINDOW_SECONDS; not once recalled)',
    params: s.MessageParams, body: s.EditMessageBody, response: s.MessageResponse,
    alsoAnswers: { 202: { description: 'Queued: the worker did not answer within API_JOB_WAIT_MS; the edit still runs', response: s.QueuedActionResponse } },
    errors: {
      400: ['invalid_markdown', 'not_editable', 'invalid_format', 'invalid_message'],
      403: ['not_allowed', 'edit_window_passed', 'not_member', 'not_friends', 'blocked', 'muted', 'muted_all', 'message_denied', 'moderation_unavailable'],
      409: ['message_recalled'],
    },
    handle: (deps, { auth, params, body }) => editMessage(deps, auth, params.chat_id, params.msg_id, body),
  }),
  route({
    method: 'get', path: '/chats/:chat_id/messages/:msg_id/edits', tag, auth: true, summary: 'A message\'s earlier versions, newest first',
    params: s.MessageParams, response: s.EditsResponse,
    handle: (deps, { auth, params }) => getEdits(deps, auth, params.chat_id, params.msg_id),
  }),
  route({
    method: 'get', path: '/chats/:chat_id/pins', tag, auth: true, summary: 'The chat\'s pinned messages, newest first',
    params: s.ChatParams, response: s.PinsResponse,
    handle: (deps, { auth, params }) => getPins(deps, auth, params.chat_id),
  }),
  route({
    method: 'post', path: '/chats/:chat_id/pins', tag, auth: true, summary: 'Pin a message (direct chats: either person; groups: owner and managers, or members when members_can_pin)',
    params: s.ChatParams, body: s.PinBody, response: s.Pin,
    errors: { 403: ['not_friends', 'blocked', 'muted', 'muted_all', 'not_allowed'], 409: ['too_many_pins'] },
    handle: (deps, { auth, params, body }) => pinMessage(deps, auth, params.chat_id, body.msg_id),
  }),
  route({
    method: 'delete', path: '/chats/:chat_id/pins/:msg_id', tag, auth: true, summary: 'Unpin a message (whoever may pin)',
    params: s.MessageParams, response: s.UnpinResponse,
    errors: { 403: ['not_friends', 'blocked', 'muted', 'muted_all', 'not_allowed'] },
    handle: (deps, { auth, params }) => unpinMessage(deps, auth, params.chat_id, params.msg_id),
  }),
  route({
    method: 'get', path: '/chats/:chat_id/changes', tag, auth: true, summary: 'Edits, recalls, reactions and pins after a change cursor (?since=), in order',
    params: s.ChatParams, query: s.ChangesQuery, response: s.ChangesResponse,
    handle: (deps, { auth, params, query }) => getChanges(deps, auth, params.chat_id, query),
  }),
];
