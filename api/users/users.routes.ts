import { unauthorized } from '../../shared/errors.ts';
import { tokenFrom } from '../http/require-auth.ts';
import { route } from '../http/route.ts';
import * as auth from './auth.service.ts';
import { getNotifications } from './notifications.service.ts';
import * as profile from './profile.service.ts';
import {
  ClientKeyParams,
  IssuedTokenResponse,
  LoginBody,
  NotificationsQuery,
  NotificationsResponse,
  OwnProfileResponse,
  ProfileUpdateBody,
  PublicUserResponse,
  RegisterBody,
  RegisteredResponse,
  SearchQuery,
  SessionsResponse,
  UidParams,
  UserSearchResponse,
  WsTicketResponse,
} from './users.schema.ts';

const tag = 'users';

/** `/users/...`: registration, login and sessions, profiles. */
export const usersRoutes = [
  route({
    method: 'post', path: '/users/auth/register', tag, auth: false, summary: 'Register a user',
    body: RegisterBody, status: 201, response: RegisteredResponse, errors: { 409: ['username_taken'], 429: ['rate_limited'] },
    handle: (deps, { body, ctx }) => auth.register(deps, body, ctx.ip),
  }),
  route({
    method: 'post', path: '/users/auth/login', tag, auth: false, summary: 'Log in; web tokens are short-lived, mobile tokens long-lived',
    body: LoginBody, response: IssuedTokenResponse, errors: { 401: ['invalid_credentials'], 429: ['rate_limited'] },
    handle: (deps, { body, ctx }) => auth.login(deps, body, { ip: ctx.ip, userAgent: ctx.get('user-agent') || undefined }),
  }),
  route({
    // Not behind requireAuth: refresh checks the token itself, including which refresh secret it holds.
    method: 'post', path: '/users/auth/refresh', tag, auth: false, summary: 'Reissue the refresh secret and timestamp of this session (send the current token, as for signed-in routes)',
    response: IssuedTokenResponse, errors: { 401: ['unauthorized'], 409: ['token_already_refreshed'] },
    handle: async (deps, { ctx }) => {
      const token = tokenFrom(ctx);
      if (!token) throw unauthorized();
      return auth.refresh(deps, token);
    },
  }),
  route({
    method: 'post', path: '/users/auth/logout', tag, auth: true, summary: 'End this session',
    handle: (deps, { auth: caller }) => auth.logout(deps, caller),
  }),
  route({
    method: 'post', path: '/users/auth/logout_all', tag, auth: true, summary: 'End every session of this user',
    handle: (deps, { auth: caller }) => auth.logoutAll(deps, caller),
  }),
  route({
    method: 'post', path: '/users/auth/ws_ticket', tag, auth: true, summary: 'A single-use ticket for opening the WebSocket',
    status: 201, response: WsTicketResponse,
    handle: (deps, { auth: caller }) => auth.createWsTicket(deps, caller),
  }),
  route({
    method: 'get', path: '/users/sessions', tag, auth: true, summary: 'List this user\'s sessions',
    response: SessionsResponse,
    handle: async (deps, { auth: caller }) => ({ sessions: await auth.listSessions(deps, caller) }),
  }),
  route({
    method: 'delete', path: '/users/sessions/:client_key', tag, auth: true, summary: 'Revoke one of this user\'s sessions',
    params: ClientKeyParams,
    handle: (deps, { auth: caller, params }) => auth.revokeSession(deps, caller, params.client_key),
  }),
  route({
    method: 'get', path: '/users/profile', tag, auth: true, summary: 'The caller\'s own profile',
    response: OwnProfileResponse, errors: { 404: ['not_found'] },
    handle: (deps, { auth: caller }) => profile.getOwnProfile(deps, caller),
  }),
  route({
    method: 'put', path: '/users/profile', tag, auth: true, summary: 'Change some fields of the caller\'s profile',
    body: ProfileUpdateBody, response: OwnProfileResponse, errors: { 404: ['not_found'] },
    handle: (deps, { auth: caller, body }) => profile.updateOwnProfile(deps, caller, body),
  }),
  route({
    method: 'get', path: '/users/search', tag, auth: true, summary: 'Find users by username prefix',
    query: SearchQuery, response: UserSearchResponse,
    handle: (deps, { query }) => profile.searchUsers(deps, query),
  }),
  route({
    method: 'get', path: '/users/notifications', tag, auth: true, summary: 'My notifications, oldest first (?after= for the ones since)',
    query: NotificationsQuery, response: NotificationsResponse,
    handle: (deps, { auth: caller, query }) => getNotifications(deps, caller, query),
  }),
  // After the fixed paths above, which `:uid` would otherwise shadow.
  route({
    method: 'get', path: '/users/:uid', tag, auth: true, summary: 'A user\'s public profile',
    params: UidParams, response: PublicUserResponse,
    handle: (deps, { params }) => profile.getPublicProfile(deps, params.uid),
  }),
];
