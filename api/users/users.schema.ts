import { z } from 'zod';
import { ADD_FRIEND_SETTINGS } from '../../shared/db/repositories/users.repository.ts';
import { NumericId } from '../../shared/validation/fields.ts';
import { ClientKey, Fid, Uid } from '../../shared/validation/ids.ts';
import { NotificationView } from '../../shared/contracts/notifications.ts';

// Printable text without control characters (newlines allowed only where a field says so).
const noControl = (s: string) => !/[\u0000-\u001f\u007f]/.test(s);

export const Username = z
  .string()
  .regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{2,31}$/, '3–32 characters: letters, digits, _ . - (not starting with . or -)');
export const Password = z.string().min(8, 'at least 8 characters').max(128, 'at most 128 characters');

export const RegisterBody = z.strictObject({ username: Username, password: Password });

export const LoginBody = z.strictObject({
  username: z.string().min(1).max(64),
  password: z.string().min(1).max(128),
  client_type: z.enum(['web', 'mobile']),
});

export const ProfileUpdateBody = z
  .strictObject({
    nickname: z.string().trim().min(1).max(64).refine(noControl, 'no control characters'),
    avatar_fid: Fid.nullable(),
    bio: z.string().max(500).refine((s) => !/[\u0000-\u0009\u000b-\u001f\u007f]/.test(s), 'no control characters except newlines'),
    sr_link: z.url({ protocol: /^https?$/ }).max(2048).nullable(),
    add_friend_setting: z.enum(ADD_FRIEND_SETTINGS),
  })
  .partial()
  .refine((body) => Object.keys(body).length > 0, 'send at least one field to change');

export const UidParams = z.object({ uid: Uid });
export const ClientKeyParams = z.object({ client_key: ClientKey });

export const SearchQuery = z.object({
  q: z.string().trim().min(1, 'q is required').max(32),
  limit: z.coerce.number().int().min(1).max(50).default(20),
  cursor: Username.optional(),
});

// Success bodies, for the API document.
const isoTime = z.iso.datetime();
export const RegisteredResponse = z.object({ uid: Uid, username: z.string(), nickname: z.string(), created_at: isoTime });
export const IssuedTokenResponse = z.object({
  token: z.string().length(100),
  user_key: Uid,
  uid: Uid,
  client_type: z.enum(['web', 'mobile']),
  expires_at: isoTime,
});
export const WsTicketResponse = z.object({ ticket: z.string(), expires_in: z.number().int() });
export const SessionsResponse = z.object({
  sessions: z.array(
    z.object({
      client_key: ClientKey,
      client_type: z.enum(['web', 'mobile']),
      user_agent: z.string().nullable(),
      created_at: isoTime,
      refreshed_at: isoTime,
      expires_at: isoTime,
      current: z.boolean(),
    }),
  ),
});
export const PublicUserResponse = z.object({
  uid: Uid,
  username: z.string(),
  nickname: z.string(),
  avatar_fid: z.string().nullable(),
  bio: z.string(),
  sr_link: z.string().nullable(),
});
export const OwnProfileResponse = PublicUserResponse.extend({ add_friend_setting: z.enum(ADD_FRIEND_SETTINGS), created_at: isoTime });
export const UserSearchResponse = z.object({ users: z.array(PublicUserResponse), next_cursor: z.string().nullable() });

export const NotificationsQuery = z.object({ after: NumericId.optional(), max: z.coerce.number().int().min(1).max(100).default(50) });
export const NotificationsResponse = z.object({ notifications: z.array(NotificationView) });
