import { Redis } from 'ioredis';
import type { OwnRedis } from '../test/support/redis-server.ts';
import { waitFor } from '../test/support/system.ts';
import { call, type ChaosUser, type Device, type Sender } from './clients.ts';
import type { OwnPostgres } from './postgres-server.ts';
import type { ChaosSystem } from './system.ts';

export interface World {
  system: ChaosSystem;
  redis: OwnRedis;
  pg: OwnPostgres;
  sender: Sender;
  devices: Device[];
  short: boolean;
  /** The group a member is kicked from, and the users of the kick/revoke scenario. */
  kick: { groupId: string; chatId: string; owner: ChaosUser; victim: ChaosUser; victimDevice: Device; revoked: ChaosUser; revokedDevice: Device; revokedClientKey: string };
}

/** What an injection reports back: process exits it caused on purpose, and its own findings. */
export interface Injected {
  plannedExits: number;
  /** (member, chat) pairs that stop being expected after a moment (epoch ms, database clock). */
  removed?: { uid: string; chatId: string; at: number }[];
  /** Deliveries a permission change should have stopped, given each message's commit time. */
  stale?: (createdAt: Map<string, number>) => number;
  notes?: string[];
}

export interface Scenario {
  name: string;
  inject(world: World): Promise<Injected>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** SIGKILL to a child, once the supervisor has it running again (its last pid may be one killed before). */
async function killChild(world: World, child: string): Promise<void> {
  const alive = (pid: number | undefined) => {
    if (pid === undefined) return false;
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  await waitFor(() => alive(world.system.pidOf(child)), 60_000, 50);
  process.kill(world.system.pidOf(child) as number, 'SIGKILL');
}

export function scenarios(short: boolean): Scenario[] {
  const workerKills = short ? 3 : 20;
  const redisRestarts = short ? 1 : 2;
  const pgRestarts = short ? 1 : 2;
  const duplicateIds = short ? 50 : 500;
  return [
    {
      name: `worker SIGKILL x${workerKills}`,
      inject: async (world) => {
        for (let i = 0; i < workerKills; i++) {
          const child = `workers-${(i % 2) + 1}`;
          await killChild(world, child);
          await sleep(short ? 1500 : 2500);
        }
        return { plannedExits: workerKills };
      },
    },
    {
      name: `Redis restart x${redisRestarts}`,
      inject: async (world) => {
        for (let i = 0; i < redisRestarts; i++) {
          await world.redis.stop('shutdown');
          await sleep(1000);
          await world.redis.start();
          await sleep(4000);
        }
        return { plannedExits: 0 };
      },
    },
    {
      name: `PostgreSQL restart x${pgRestarts}`,
      inject: async (world) => {
        for (let i = 0; i < pgRestarts; i++) {
          await world.pg.stop();
          await world.pg.start();
          await sleep(4000);
        }
        return { plannedExits: 0 };
      },
    },
    {
      name: 'PostgreSQL 8 s outage',
      inject: async (world) => {
        await world.pg.stop();
        await sleep(8000);
        await world.pg.start();
        return { plannedExits: 0 };
      },
    },
    {
      name: 'realtime node SIGKILL',
      inject: async (world) => {
        await killChild(world, 'realtime-1');
        return { plannedExits: 1 };
      },
    },
    {
      name: 'whole system SIGTERM + restart',
      inject: async (world) => {
        const { code, ms } = await world.system.stop();
        await world.system.start();
        return { plannedExits: 0, notes: [`supervisor exit ${code} after ${ms} ms`] };
      },
    },
    {
      name: `20 parallel duplicate sends x${duplicateIds} ids`,
      inject: async (world) => {
        const owner = world.kick.owner;
        const scenario = world.sender.scenario;
        for (let i = 0; i < duplicateIds; i += 5) {
          await Promise.all(
            Array.from({ length: Math.min(5, duplicateIds - i) }, (_, k) => {
              const cgid = `${scenario}-dup-${i + k}`;
              return Promise.all(Array.from({ length: 20 }, () => world.sender.sendUntilAnswered(owner, world.kick.chatId, cgid, `duplicate ${i + k}`)));
            }),
          );
        }
        return { plannedExits: 0 };
      },
    },
    {
      name: 'kick + revoke while pub/sub fails',
      inject: async (world) => {
        const admin = new Redis(world.redis.url, { maxRetriesPerRequest: 3 });
        const { kick } = world;
        const notes: string[] = [];
        const owned: Promise<unknown>[] = [];
        let sending = true;
        // The owner keeps writing into the group the victim is kicked from.
        owned.push((async () => {
          let n = 0;
          while (sending) {
            await world.sender.sendUntilAnswered(kick.owner, kick.chatId, `${world.sender.scenario}-grp-${n++}`);
            await sleep(100);
          }
        })());
        await sleep(1000);
        await admin.call('ACL', 'SETUSER', 'default', '-publish');
        const kicked = await call(world.system.apiUrl, 'DELETE', `/group/${kick.groupId}/members/${kick.victim.uid}`, kick.owner.token);
        const kickedAt = Date.now();
        const revoked = await call(world.system.apiUrl, 'DELETE', `/users/sessions/${kick.revokedClientKey}`, kick.revoked.token);
        const revokedAt = Date.now();
        notes.push(`kick answered ${kicked.status}${kicked.code ? ` ${kicked.code}` : ''}, revoke answered ${revoked.status}${revoked.code ? ` ${revoked.code}` : ''}`);
        kick.victim.chats.delete(kick.chatId);
        await sleep(3000);
        await admin.call('ACL', 'SETUSER', 'default', '+publish');
        const restoredAt = Date.now();
        admin.disconnect();
        await sleep(4000);
        sending = false;
        await Promise.all(owned);
        return {
          plannedExits: 0,
          notes,
          removed: [{ uid: kick.victim.uid, chatId: kick.chatId, at: kickedAt }],
          stale: (createdAt) => {
            // Frames of messages committed after the kick (or the revoke) was answered, on the kicked
            // member's or the revoked session's socket; a revoked socket still open counts as one more.
            const committedAfter = (msgId: string, at: number) => (createdAt.get(msgId) ?? 0) > at;
            const afterKick = kick.victimDevice.frames.filter((f) => f.chatId === kick.chatId && committedAfter(f.msgId, kickedAt)).length;
            const afterRevoke = kick.revokedDevice.frames.filter((f) => committedAfter(f.msgId, revokedAt)).length;
            const stillOpen = kick.revokedDevice.closedWith === 4003 ? 0 : 1;
            const stale = [...kick.victimDevice.frames.filter((f) => f.chatId === kick.chatId && committedAfter(f.msgId, kickedAt)), ...kick.revokedDevice.frames.filter((f) => committedAfter(f.msgId, revokedAt))];
            if (stale.length > 0) notes.push(`stale frames ${afterKick} after the kick, ${afterRevoke} after the revoke, received ${stale.map((f) => f.at - restoredAt).join(', ')} ms after PUBLISH came back`);
            if (stillOpen) notes.push(`revoked socket not closed with 4003 (last close ${kick.revokedDevice.closedWith})`);
            return afterKick + afterRevoke + stillOpen;
          },
        };
      },
    },
  ];
}
