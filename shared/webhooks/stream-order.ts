import type { ChainableCommander, Redis } from 'ioredis';
import type { RedisKeys } from '../redis/keys.ts';
import { groupBySlot } from '../redis/slots.ts';

/**
 * Order per (endpoint, chat). Every event of a chat bound for an endpoint is entered, before its job
 * exists, in a sorted set scored by the id of the outbox row that recorded it (then its position in
 * that row). Changes to one chat that lock it (sends) commit in outbox-id order, and anything caused
 * by a committed event (a recall, a reaction) is recorded after it, so this is the chat's commit
 * order. A job delivers only when it is the lowest entry of its set, and leaves it when done.
 */
export interface StreamPlace {
  endpointId: string;
  stream: string;
  outboxId: string;
  position: number;
  jobId: string;
}

/** A delivery behind another of its chat sleeps this long at most; the one before it wakes it when done. */
export const BEHIND_WAIT_MS = 1000;

const memberOf = (place: StreamPlace) => `${String(place.position).padStart(6, '0')}|${place.jobId}`;
const jobIdOf = (member: string) => member.slice(member.indexOf('|') + 1);

export class StreamOrder {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {}

  /**
   * Enters places (idempotent: a place entered twice keeps its score) and answers, for each, whether
   * it heads its set now (else it waits for the one before it to wake it).
   */
  async enter(places: readonly StreamPlace[]): Promise<boolean[]> {
    const heads = await this.perSlot(places, (pipeline, key, place) => pipeline.zadd(key, 'NX', place.outboxId, memberOf(place)).zrange(key, '0', '0'));
    return places.map((place) => heads.get(place) === memberOf(place));
  }

  /** Of these places, the ones heading their sets now. */
  async heads(places: readonly StreamPlace[]): Promise<StreamPlace[]> {
    const heads = await this.perSlot(places, (pipeline, key) => pipeline.zrange(key, '0', '0'));
    return places.filter((place) => {
      const first = heads.get(place);
      return first === undefined || first === memberOf(place);
    });
  }

  /**
   * Runs `build` for each place in one pipeline per slot (one in all on a single node; a cluster
   * refuses a pipeline whose keys span slots) and answers each place's head, read by the last
   * command `build` added (a ZRANGE 0 0).
   */
  private async perSlot(places: readonly StreamPlace[], build: (pipeline: ChainableCommander, key: string, place: StreamPlace) => ChainableCommander): Promise<Map<StreamPlace, string | undefined>> {
    const heads = new Map<StreamPlace, string | undefined>();
    const keyOf = (place: StreamPlace) => this.keys.webhookOrder(place.endpointId, place.stream);
    await Promise.all(
      groupBySlot(this.redis, places, keyOf).map(async (group) => {
        const pipeline = this.redis.pipeline();
        for (const place of group) build(pipeline, keyOf(place), place);
        const results = (await pipeline.exec()) ?? [];
        for (const [err] of results) if (err) throw err;
        const perPlace = results.length / group.length;
        group.forEach((place, i) => heads.set(place, (results[(i + 1) * perPlace - 1]?.[1] as string[] | undefined)?.[0]));
      }),
    );
    return heads;
  }

  /** The job id at the head of a place's set, or null when the place is no longer in it (released, or retried by hand). */
  async head(place: StreamPlace): Promise<{ mine: boolean; jobId: string } | null> {
    const key = this.keys.webhookOrder(place.endpointId, place.stream);
    const results = ((await this.redis.pipeline().zscore(key, memberOf(place)).zrange(key, '0', '0').exec()) ?? []) as [Error | null, unknown][];
    for (const [err] of results) if (err) throw err;
    const score = results[0]?.[1] ?? null;
    const head = (results[1]?.[1] as string[] | undefined)?.[0];
    if (score === null || head === undefined) return null;
    return { mine: head === memberOf(place), jobId: jobIdOf(head) };
  }

  /** Drops an entry whose job is gone or finished (an event enqueued again after it was delivered). */
  async dropJob(place: Pick<StreamPlace, 'endpointId' | 'stream'>, jobId: string): Promise<void> {
    const key = this.keys.webhookOrder(place.endpointId, place.stream);
    const members = await this.redis.zrange(key, '0', '9');
    const stale = members.filter((m) => jobIdOf(m) === jobId);
    if (stale.length > 0) await this.redis.zrem(key, ...stale);
  }

  /** Leaves the set; answers the job id now at its head, if any, so it can start at once. */
  async leave(place: StreamPlace): Promise<string | null> {
    const key = this.keys.webhookOrder(place.endpointId, place.stream);
    const results = ((await this.redis.pipeline().zrem(key, memberOf(place)).zrange(key, '0', '0').exec()) ?? []) as [Error | null, unknown][];
    for (const [err] of results) if (err) throw err;
    const first = (results[1]?.[1] as string[] | undefined)?.[0];
    return first === undefined ? null : jobIdOf(first);
  }
}
