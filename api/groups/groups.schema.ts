import { z } from 'zod';
import { multiLine, NumericId, PageQuery, singleLine } from '../../shared/validation/fields.ts';
import { Fid, Uid } from '../../shared/validation/ids.ts';

const Name = singleLine(64).trim().min(1, 'a group needs a name');
const profileFields = {
  name: Name,
  avatar_fid: Fid.nullable(),
  description: multiLine(1000),
  announcement: multiLine(2000),
  visibility: z.enum(['public', 'private']),
  join_rule: z.enum(['open', 'approval', 'invite_only']),
  category: z.enum(['small', 'large']),
};

export const CreateGroupBody = z.strictObject({ ...profileFields, name: Name }).partial().required({ name: true });
export const UpdateGroupBody = z
  .strictObject({ ...profileFields, mute_all: z.boolean(), members_can_pin: z.boolean() })
  .partial()
  .refine((body) => Object.keys(body).length > 0, 'send at least one field to change');

export const GroupParams = z.object({ group_id: NumericId });
export const MemberParams = GroupParams.extend({ user_id: Uid });
export const ApplicationParams = GroupParams.extend({ application_id: NumericId });

export const AddMembersBody = z.strictObject({
  user_ids: z.array(Uid).min(1).max(100).refine((ids) => new Set(ids).size === ids.length, 'user_ids must not repeat'),
});
export const ApplyBody = z.strictObject({ apply_msg: singleLine(200).default('') });
export const SetManagerBody = z.strictObject({ target_user_id: Uid, is_manager: z.boolean() });
export const TransferBody = z.strictObject({ target_user_id: Uid });
export const MuteBody = z.strictObject({
  target_user_id: Uid,
  mute_status: z.boolean(),
  duration_seconds: z.number().int().min(1, 'at least 1 second').optional(),
});
export const SearchGroupsQuery = PageQuery.extend({ q: z.string().trim().min(1).max(64), cursor: NumericId.optional() });
export const MembersQuery = PageQuery.extend({ cursor: Uid.optional() });

const isoTime = z.iso.datetime();
const role = z.enum(['owner', 'manager', 'member']);
export const GroupResponse = z.object({
  id: z.string(),
  chat_id: z.string(),
  name: z.string(),
  avatar_fid: z.string().nullable(),
  description: z.string(),
  announcement: z.string(),
  visibility: z.enum(['public', 'private']),
  join_rule: z.enum(['open', 'approval', 'invite_only']),
  category: z.enum(['small', 'large']),
  mute_all: z.boolean(),
  members_can_pin: z.boolean(),
  member_count: z.number().int(),
  owner_uid: Uid.nullable(),
  my_role: role.nullable(),
  created_at: isoTime,
  updated_at: isoTime,
});
export const MyGroupsResponse = z.object({
  groups: z.array(GroupResponse.pick({ id: true, chat_id: true, name: true, avatar_fid: true, category: true, visibility: true, member_count: true }).extend({ my_role: role })),
});
export const GroupSearchResponse = z.object({
  groups: z.array(GroupResponse.pick({ id: true, name: true, avatar_fid: true, description: true, join_rule: true, category: true, member_count: true })),
  next_cursor: z.string().nullable(),
});
export const MembersResponse = z.object({
  members: z.array(z.object({ uid: Uid, username: z.string(), nickname: z.string(), avatar_fid: z.string().nullable(), role, muted_until: isoTime.nullable(), joined_at: isoTime })),
  next_cursor: z.string().nullable(),
});
export const AddMembersResponse = z.object({
  added: z.array(Uid),
  already_members: z.array(Uid),
  refused: z.array(z.object({ uid: Uid, code: z.enum(['not_found', 'blocked']) })),
});
export const ApplyResponse = z.object({ status: z.enum(['joined', 'pending']), chat_id: z.string().optional(), application_id: z.string().optional() });
export const ApplicationsResponse = z.object({
  applications: z.array(z.object({ application_id: z.string(), applicant: z.object({ uid: Uid, username: z.string(), nickname: z.string() }), apply_msg: z.string(), created_at: isoTime })),
});
export const DecisionResponse = z.object({ application_id: z.string(), status: z.enum(['approved', 'rejected']) });
export const RoleResponse = z.object({ uid: Uid, role });
export const TransferResponse = z.object({ owner_uid: Uid });
export const MuteResponse = z.object({ uid: Uid, muted_until: isoTime.nullable() });
