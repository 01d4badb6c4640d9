import type { SocketIdentity } from './protocol.ts';

/** What a scenario needs seeded: users, and the chats the traffic goes into. */
export interface Topology {
  users: number;
  /** Users paired into friends with a direct chat: users 0–1, 2–3, … up to this count. */
  directPairs: number;
  /** Small groups of `smallGroupSize` consecutive users after the pairs. */
  smallGroups: number;
  smallGroupSize: number;
  /** One large group of the first N users (0 = none); user 0 owns it and sends into it. */
  largeGroupMembers: number;
}

export interface SeededChat {
  chatId: string;
  kind: 'direct' | 'small' | 'large';
  /** Index of the user who sends into it. */
  sender: number;
  /** Indexes of everyone else in it (the expected receivers). */
  receivers: number[];
}

export interface Seeded {
  users: SocketIdentity[];
  chats: SeededChat[];
}

/** Index ranges of each chat of a topology, shared by the database and the API seeders. */
export function chatLayout(t: Topology) {
  const pairs = Array.from({ length: t.directPairs }, (_, i) => [2 * i, 2 * i + 1] as const);
  const base = 2 * t.directPairs;
  const small = Array.from({ length: t.smallGroups }, (_, g) => Array.from({ length: t.smallGroupSize }, (_, k) => (base + g * t.smallGroupSize + k) % t.users));
  const large = Array.from({ length: Math.min(t.largeGroupMembers, t.users) }, (_, i) => i);
  return { pairs, small, large };
}
