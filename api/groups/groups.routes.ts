import { route } from '../http/route.ts';
import * as members from './group-members.service.ts';
import * as profile from './group-profile.service.ts';
import * as roles from './group-roles.service.ts';
import * as s from './groups.schema.ts';

const tag = 'groups';

/** `/group/...`: lifecycle, profile, membership, roles and mutes. */
export const groupsRoutes = [
  route({
    method: 'post', path: '/group', tag, auth: true, summary: 'Create a group (the creator is its owner)',
    body: s.CreateGroupBody, status: 201, response: s.GroupResponse,
    handle: (deps, { auth, body }) => profile.createGroup(deps, auth, body),
  }),
  route({
    method: 'get', path: '/group', tag, auth: true, summary: 'List my groups',
    response: s.MyGroupsResponse,
    handle: (deps, { auth }) => profile.listMyGroups(deps, auth),
  }),
  route({
    method: 'get', path: '/group/search', tag, auth: true, summary: 'Find public groups by name prefix',
    query: s.SearchGroupsQuery, response: s.GroupSearchResponse,
    handle: (deps, { query }) => profile.searchGroups(deps, query),
  }),
  route({
    method: 'get', path: '/group/:group_id', tag, auth: true, summary: 'A group\'s profile (private groups: members only)',
    params: s.GroupParams, response: s.GroupResponse,
    handle: (deps, { auth, params }) => profile.getGroup(deps, auth, params.group_id),
  }),
  route({
    method: 'delete', path: '/group/:group_id', tag, auth: true, summary: 'Disband a group (owner only)',
    params: s.GroupParams, errors: { 403: ['not_member', 'not_owner'] },
    handle: (deps, { auth, params }) => profile.disbandGroup(deps, auth, params.group_id),
  }),
  route({
    method: 'put', path: '/group/:group_id/profile', tag, auth: true, summary: 'Edit the group profile (owner and managers)',
    params: s.GroupParams, body: s.UpdateGroupBody, response: s.GroupResponse, errors: { 403: ['not_member', 'not_manager'], 409: ['group_too_large'] },
    handle: (deps, { auth, params, body }) => profile.updateGroupProfile(deps, auth, params.group_id, body),
  }),
  route({
    method: 'get', path: '/group/:group_id/members', tag, auth: true, summary: 'List members (members only)',
    params: s.GroupParams, query: s.MembersQuery, response: s.MembersResponse, errors: { 403: ['not_member'] },
    handle: (deps, { auth, params, query }) => members.listMembers(deps, auth, params.group_id, query),
  }),
  route({
    method: 'post', path: '/group/:group_id/members', tag, auth: true, summary: 'Add members (owner and managers)',
    params: s.GroupParams, body: s.AddMembersBody, response: s.AddMembersResponse, errors: { 403: ['not_member', 'not_manager'], 409: ['group_full'], 429: ['rate_limited'] },
    handle: (deps, { auth, params, body }) => members.addMembers(deps, auth, params.group_id, body.user_ids),
  }),
  route({
    method: 'post', path: '/group/:group_id/members/apply', tag, auth: true, summary: 'Join an open group or apply to an approval group',
    params: s.GroupParams, body: s.ApplyBody, status: 201, response: s.ApplyResponse, errors: { 403: ['invite_only'], 409: ['already_member', 'group_full'] },
    handle: (deps, { auth, params, body }) => members.applyToJoin(deps, auth, params.group_id, body.apply_msg),
  }),
  route({
    method: 'get', path: '/group/:group_id/members/applications', tag, auth: true, summary: 'Pending applications (owner and managers)',
    params: s.GroupParams, response: s.ApplicationsResponse, errors: { 403: ['not_member', 'not_manager'] },
    handle: (deps, { auth, params }) => members.listApplications(deps, auth, params.group_id),
  }),
  route({
    method: 'post', path: '/group/:group_id/members/applications/:application_id/approve', tag, auth: true, summary: 'Approve an application',
    params: s.ApplicationParams, response: s.DecisionResponse, errors: { 403: ['not_member', 'not_manager'], 409: ['application_closed', 'group_full'] },
    handle: (deps, { auth, params }) => members.decideApplication(deps, auth, params.group_id, params.application_id, 'approve'),
  }),
  route({
    method: 'post', path: '/group/:group_id/members/applications/:application_id/reject', tag, auth: true, summary: 'Reject an application',
    params: s.ApplicationParams, response: s.DecisionResponse, errors: { 403: ['not_member', 'not_manager'], 409: ['application_closed'] },
    handle: (deps, { auth, params }) => members.decideApplication(deps, auth, params.group_id, params.application_id, 'reject'),
  }),
  route({
    method: 'delete', path: '/group/:group_id/members/:user_id', tag, auth: true, summary: 'Leave (your own uid) or kick a member',
    params: s.MemberParams, errors: { 403: ['not_member', 'not_manager', 'insufficient_role'], 409: ['owner_must_transfer'] },
    handle: (deps, { auth, params }) => members.removeMember(deps, auth, params.group_id, params.user_id),
  }),
  route({
    method: 'put', path: '/group/:group_id/managers', tag, auth: true, summary: 'Make a member a manager or revoke it (owner only)',
    params: s.GroupParams, body: s.SetManagerBody, response: s.RoleResponse, errors: { 400: ['invalid_target'], 403: ['not_member', 'not_owner'] },
    handle: (deps, { auth, params, body }) => roles.setManager(deps, auth, params.group_id, body),
  }),
  route({
    method: 'post', path: '/group/:group_id/transfer', tag, auth: true, summary: 'Transfer ownership (owner only)',
    params: s.GroupParams, body: s.TransferBody, response: s.TransferResponse, errors: { 400: ['invalid_target'], 403: ['not_member', 'not_owner'] },
    handle: (deps, { auth, params, body }) => roles.transferOwnership(deps, auth, params.group_id, body.target_user_id),
  }),
  route({
    method: 'post', path: '/group/:group_id/mute', tag, auth: true, summary: 'Mute a member for a while, or unmute',
    params: s.GroupParams, body: s.MuteBody, response: s.MuteResponse, errors: { 400: ['invalid_target'], 403: ['not_member', 'not_manager', 'insufficient_role'] },
    handle: (deps, { auth, params, body }) => roles.setMute(deps, auth, params.group_id, body),
  }),
];
