import type { BodyOf, QueryOf } from '../rest/request-types.ts';
import type { Requester } from './requester.ts';

/** Groups, members, applications and roles (`/group`). */
export function groupsResource(request: Requester) {
  const id = (groupId: string) => ({ group_id: groupId });
  return {
    create: (group: BodyOf<'POST /group'>) => request('POST', '/group', { body: group }),
    /** Your groups. */
    list: () => request('GET', '/group'),
    /** Public groups by name prefix. */
    search: (q: string, options: Omit<NonNullable<QueryOf<'GET /group/search'>>, 'q'> = {}) => request('GET', '/group/search', { query: { q, ...options } }),
    get: (groupId: string) => request('GET', '/group/{group_id}', { params: id(groupId) }),
    update: (groupId: string, changes: BodyOf<'PUT /group/{group_id}/profile'>) => request('PUT', '/group/{group_id}/profile', { params: id(groupId), body: changes }),
    disband: (groupId: string) => request('DELETE', '/group/{group_id}', { params: id(groupId) }),
    members: (groupId: string, query: QueryOf<'GET /group/{group_id}/members'> = {}) => request('GET', '/group/{group_id}/members', { params: id(groupId), query }),
    addMembers: (groupId: string, userIds: string[]) => request('POST', '/group/{group_id}/members', { params: id(groupId), body: { user_ids: userIds } }),
    /** Join (open groups) or ask to join (approval groups). */
    apply: (groupId: string, applyMsg?: string) => request('POST', '/group/{group_id}/members/apply', { params: id(groupId), body: applyMsg === undefined ? {} : { apply_msg: applyMsg } }),
    applications: (groupId: string) => request('GET', '/group/{group_id}/members/applications', { params: id(groupId) }),
    approve: (groupId: string, applicationId: string) =>
      request('POST', '/group/{group_id}/members/applications/{application_id}/approve', { params: { group_id: groupId, application_id: applicationId } }),
    rejectApplication: (groupId: string, applicationId: string) =>
      request('POST', '/group/{group_id}/members/applications/{application_id}/reject', { params: { group_id: groupId, application_id: applicationId } }),
    /** Kick a member, or leave when `userId` is yours. */
    removeMember: (groupId: string, userId: string) => request('DELETE', '/group/{group_id}/members/{user_id}', { params: { group_id: groupId, user_id: userId } }),
    setManager: (groupId: string, targetUserId: string, isManager: boolean) =>
      request('PUT', '/group/{group_id}/managers', { params: id(groupId), body: { target_user_id: targetUserId, is_manager: isManager } }),
    transfer: (groupId: string, targetUserId: string) => request('POST', '/group/{group_id}/transfer', { params: id(groupId), body: { target_user_id: targetUserId } }),
    mute: (groupId: string, targetUserId: string, durationSeconds: number) =>
      request('POST', '/group/{group_id}/mute', { params: id(groupId), body: { target_user_id: targetUserId, mute_status: true, duration_seconds: durationSeconds } }),
    unmute: (groupId: string, targetUserId: string) => request('POST', '/group/{group_id}/mute', { params: id(groupId), body: { target_user_id: targetUserId, mute_status: false } }),
  };
}
