import { z } from 'zod';

/**
 * Instructions to the realtime nodes about one user's sockets, published on the user's channel as
 * `{"event": name, "data": {...}}`. Nodes act on them and never forward them to clients (their
 * names start with `_`). Workers (the effect relay) write them; realtime nodes parse them here.
 */
const id = z.string().regex(/^[0-9]+$/);
const uid = z.string().regex(/^[0-9a-f]{32}$/);

export const ControlEventSchemas = {
  /** Close the user's sockets of that session (`client_key`), or of every session (`null`), with 4003. */
  _session_revoked: z.object({ client_key: z.string().nullable() }),
  /** The user joined (`member: true`) or left a chat: a node (un)subscribes their sockets to a large group's channel. */
  _membership: z.object({ chat_id: id, member: z.boolean() }),
  /** The user now blocks (or no longer blocks) `uid`: a node holds back (or resumes) that sender's large-group frames. */
  _blocks: z.object({ uid, blocked: z.boolean() }),
} as const;

export type ControlEventName = keyof typeof ControlEventSchemas;
export const CONTROL_EVENT_NAMES = Object.keys(ControlEventSchemas) as [ControlEventName, ...ControlEventName[]];
export type ControlEventData<E extends ControlEventName> = z.infer<(typeof ControlEventSchemas)[E]>;

export const ControlEvent = z.discriminatedUnion('event', [
  z.object({ event: z.literal('_session_revoked'), data: ControlEventSchemas._session_revoked }),
  z.object({ event: z.literal('_membership'), data: ControlEventSchemas._membership }),
  z.object({ event: z.literal('_blocks'), data: ControlEventSchemas._blocks }),
]);
export type ControlEvent = z.infer<typeof ControlEvent>;

/** A control frame as published: exactly what `parseControlFrame` reads back. */
export const encodeControlFrame = (control: ControlEvent): string => JSON.stringify(ControlEvent.parse(control));

/** A control frame received on a user's channel, or null when it does not match the contract. */
export function parseControlFrame(text: string): ControlEvent | null {
  try {
    const parsed = ControlEvent.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
