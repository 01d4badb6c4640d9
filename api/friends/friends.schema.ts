import { z } from 'zod';
import { NumericId, singleLine } from '../../shared/validation/fields.ts';
import { Uid } from '../../shared/validation/ids.ts';

export const ApplyBody = z.strictObject({ target_user_id: Uid, apply_msg: singleLine(200).default('') });
export const TargetBody = z.strictObject({ target_user_id: Uid });
export const UserIdParams = z.object({ user_id: Uid });
export const RequestIdParams = z.object({ request_id: NumericId });
export const RequestsQuery = z.object({ direction: z.enum(['incoming', 'outgoing']).default('incoming') });

const isoTime = z.iso.datetime();
const Person = z.object({ uid: Uid, username: z.string(), nickname: z.string(), avatar_fid: z.string().nullable() });

export const ApplyResponse = z.object({ request_id: z.string().optional(), status: z.enum(['pending', 'accepted']), chat_id: z.string().optional() });
export const DecisionResponse = z.object({ request_id: z.string(), status: z.enum(['accepted', 'rejected']), chat_id: z.string().optional() });
export const FriendsResponse = z.object({ friends: z.array(Person.extend({ since: isoTime })) });
export const RequestsResponse = z.object({
  requests: z.array(
    z.object({ request_id: z.string(), from_uid: Uid, to_uid: Uid, apply_msg: z.string(), status: z.literal('pending'), created_at: isoTime, user: Person }),
  ),
});
export const BlockResponse = z.object({ blocked_uid: Uid });
export const BlocksResponse = z.object({ blocks: z.array(z.object({ uid: Uid, username: z.string(), nickname: z.string(), blocked_at: isoTime })) });
