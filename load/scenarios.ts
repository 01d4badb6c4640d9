import type { Topology } from './topology.ts';

export interface Scenario {
  name: string;
  summary: string;
  sockets: number;
  durationS: number;
  /** Sends per second over the whole run, split by `mix` (direct / small group / large group). */
  rate: number;
  mix: { direct: number; small: number; large: number };
  topology: (sockets: number) => Topology;
  /** Keep opening sockets until something refuses, and report which limit it was. */
  ramp: boolean;
}

const pairsOnly = (sockets: number): Topology => ({ users: sockets, directPairs: Math.floor(sockets / 2), smallGroups: 0, smallGroupSize: 0, largeGroupMembers: 0 });

export const SCENARIOS: Record<string, Scenario> = {
  '15k-idle': {
    name: '15k-idle',
    summary: '15,000 authenticated sockets held with the 30 s ping and no traffic; any close is an unexpected drop',
    sockets: 15_000, durationS: 600, rate: 0, mix: { direct: 1, small: 0, large: 0 }, ramp: false,
    topology: (n) => ({ users: n, directPairs: 0, smallGroups: 0, smallGroupSize: 0, largeGroupMembers: 0 }),
  },
  '15k-chat': {
    name: '15k-chat',
    summary: '15,000 sockets with steady traffic: 100 sends/s, 70% direct chats, 25% small groups of 8, 5% one large group of 1,000',
    sockets: 15_000, durationS: 300, rate: 100, mix: { direct: 0.7, small: 0.25, large: 0.05 }, ramp: false,
    topology: (n) => ({ users: n, directPairs: Math.floor(n * 0.4), smallGroups: Math.floor((n * 0.2) / 8), smallGroupSize: 8, largeGroupMembers: Math.min(1000, n) }),
  },
  'large-group': {
    name: 'large-group',
    summary: 'one large group of 10,000 online members; 1 send/s from the owner; fan-out time is send → last delivery',
    sockets: 10_000, durationS: 60, rate: 1, mix: { direct: 0, small: 0, large: 1 }, ramp: false,
    topology: (n) => ({ users: n, directPairs: 0, smallGroups: 0, smallGroupSize: 0, largeGroupMembers: n }),
  },
  idle: {
    name: 'idle',
    summary: 'N idle sockets (the benchmark suite uses 5,000) to measure KB per socket on each node',
    sockets: 5_000, durationS: 30, rate: 0, mix: { direct: 1, small: 0, large: 0 }, ramp: false,
    topology: (n) => ({ users: n, directPairs: 0, smallGroups: 0, smallGroupSize: 0, largeGroupMembers: 0 }),
  },
  chat: {
    name: 'chat',
    summary: 'direct-chat traffic only at --rate sends/s between N/2 pairs of friends',
    sockets: 1_000, durationS: 30, rate: 100, mix: { direct: 1, small: 0, large: 0 }, ramp: false, topology: pairsOnly,
  },
  max: {
    name: 'max',
    summary: 'ramp sockets up to --sockets (default 45,000 over 2 realtime nodes) and report which limit stopped it',
    sockets: 45_000, durationS: 15, rate: 0, mix: { direct: 1, small: 0, large: 0 }, ramp: true,
    topology: (n) => ({ users: n, directPairs: 0, smallGroups: 0, smallGroupSize: 0, largeGroupMembers: 0 }),
  },
};
