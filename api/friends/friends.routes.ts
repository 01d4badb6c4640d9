import { route } from '../http/route.ts';
import * as friends from './friends.service.ts';
import {
  ApplyBody,
  ApplyResponse,
  BlockResponse,
  BlocksResponse,
  DecisionResponse,
  FriendsResponse,
  RequestIdParams,
  RequestsQuery,
  RequestsResponse,
  TargetBody,
  UserIdParams,
} from './friends.schema.ts';

const tag = 'friends';

/** `/friend/...`: requests, friendships and blocks. */
export const friendsRoutes = [
  route({
    method: 'post', path: '/friend/apply', tag, auth: true, summary: 'Ask someone to be friends (accepted at once when they allow anyone)',
    body: ApplyBody, status: 201, response: ApplyResponse,
    errors: { 400: ['invalid_target'], 403: ['blocked', 'not_accepting_requests', 'not_mutual'], 404: ['not_found'], 409: ['already_friends'], 429: ['rate_limited'] },
    handle: (deps, { auth, body }) => friends.apply(deps, auth, body),
  }),
  route({
    method: 'get', path: '/friend', tag, auth: true, summary: 'List my friends',
    response: FriendsResponse,
    handle: (deps, { auth }) => friends.listFriends(deps, auth),
  }),
  route({
    method: 'get', path: '/friend/requests', tag, auth: true, summary: 'Pending friend requests to me (incoming) or from me (outgoing)',
    query: RequestsQuery, response: RequestsResponse,
    handle: (deps, { auth, query }) => friends.listRequests(deps, auth, query.direction),
  }),
  route({
    method: 'post', path: '/friend/requests/:request_id/accept', tag, auth: true, summary: 'Accept a friend request sent to me',
    params: RequestIdParams, response: DecisionResponse, errors: { 403: ['blocked'], 409: ['request_closed'] },
    handle: (deps, { auth, params }) => friends.accept(deps, auth, params.request_id),
  }),
  route({
    method: 'post', path: '/friend/requests/:request_id/reject', tag, auth: true, summary: 'Reject a friend request sent to me',
    params: RequestIdParams, response: DecisionResponse, errors: { 409: ['request_closed'] },
    handle: (deps, { auth, params }) => friends.reject(deps, auth, params.request_id),
  }),
  route({
    method: 'get', path: '/friend/blocks', tag, auth: true, summary: 'List the users I block',
    response: BlocksResponse,
    handle: (deps, { auth }) => friends.listBlocks(deps, auth),
  }),
  route({
    method: 'post', path: '/friend/block', tag, auth: true, summary: 'Block a user (one-way)',
    body: TargetBody, status: 201, response: BlockResponse, errors: { 400: ['invalid_target'], 404: ['not_found'] },
    handle: (deps, { auth, body }) => friends.block(deps, auth, body.target_user_id),
  }),
  route({
    method: 'delete', path: '/friend/block/:user_id', tag, auth: true, summary: 'Unblock a user',
    params: UserIdParams,
    handle: (deps, { auth, params }) => friends.unblock(deps, auth, params.user_id),
  }),
  route({
    method: 'delete', path: '/friend/:user_id', tag, auth: true, summary: 'Remove a friend',
    params: UserIdParams,
    handle: (deps, { auth, params }) => friends.removeFriend(deps, auth, params.user_id),
  }),
];
