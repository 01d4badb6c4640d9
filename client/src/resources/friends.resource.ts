import type { Requester } from './requester.ts';

/** Friends, requests and blocks (`/friend`). */
export function friendsResource(request: Requester) {
  return {
    list: () => request('GET', '/friend'),
    /** Ask someone to be your friend; answers `accepted` with the chat when they accept anyone. */
    apply: (targetUserId: string, applyMsg?: string) => request('POST', '/friend/apply', { body: { target_user_id: targetUserId, ...(applyMsg === undefined ? {} : { apply_msg: applyMsg }) } }),
    requests: (direction: 'incoming' | 'outgoing' = 'incoming') => request('GET', '/friend/requests', { query: { direction } }),
    accept: (requestId: string) => request('POST', '/friend/requests/{request_id}/accept', { params: { request_id: requestId } }),
    reject: (requestId: string) => request('POST', '/friend/requests/{request_id}/reject', { params: { request_id: requestId } }),
    remove: (userId: string) => request('DELETE', '/friend/{user_id}', { params: { user_id: userId } }),
    block: (targetUserId: string) => request('POST', '/friend/block', { body: { target_user_id: targetUserId } }),
    unblock: (userId: string) => request('DELETE', '/friend/block/{user_id}', { params: { user_id: userId } }),
    blocks: () => request('GET', '/friend/blocks'),
  };
}
