import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { chown, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import pg from 'pg';
import { freePort, waitFor } from './system.ts';

const run = promisify(execFile);

/**
 * A scaled-out topology on one machine, on spare loopback ports and temporary directories: a Redis
 * Cluster of 3 masters and 3 replicas, and a PostgreSQL primary with a streaming replica. Used by
 * the cluster e2e test and by `npm run topology`. Nothing here touches the machine's own Redis or
 * PostgreSQL.
 */
export interface RedisClusterTopology {
  /** `REDIS_CLUSTER_NODES`: every node, masters and replicas. */
  nodes: string;
  ports: number[];
  /** The master that serves `key`'s slot, and one of its replicas. */
  shardOf(key: string): Promise<{ master: number; replica: number }>;
  /**
   * A coordinated failover of `key`'s shard (`CLUSTER FAILOVER` on its replica): resolves once the
   * replica is master. Answers the ports before and after.
   */
  failover(key: string): Promise<{ from: number; to: number; ms: number }>;
  stop(): Promise<void>;
}

/**
 * Ports for cluster nodes: each node also listens on its port + 10000 (the cluster bus), so both must
 * be free, and below the ephemeral range (32768+) where outgoing connections could take them.
 */
async function clusterPorts(count: number): Promise<number[]> {
  const ports: number[] = [];
  while (ports.length < count) {
    const port = 20_000 + Math.floor(Math.random() * 2700);
    const taken = ports.flatMap((p) => [p, p + 10_000]);
    if (taken.includes(port) || taken.includes(port + 10_000)) continue;
    if ((await isFree(port)) && (await isFree(port + 10_000))) ports.push(port);
  }
  return ports;
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer().once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

const NODE_TIMEOUT_MS = 3000;
const ELECTION_INTERVAL_MS = 4 * NODE_TIMEOUT_MS + 500;

export async function startRedisCluster(): Promise<RedisClusterTopology> {
  const dir = await mkdtemp(path.join(tmpdir(), 'wetty-cluster-'));
  const ports = await clusterPorts(6);
  const children: ChildProcess[] = [];
  for (const port of ports) {
    const nodeDir = path.join(dir, String(port));
    await mkdir(nodeDir);
    const child = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--dir', nodeDir, '--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf',
        '--cluster-node-timeout', String(NODE_TIMEOUT_MS), '--appendonly', 'no', '--save', '', '--daemonize', 'no', '--loglevel', 'warning'],
      { stdio: 'ignore' },
    );
    children.push(child);
  }
  const admin = (port: number) => new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
  const ask = async <T>(port: number, command: (redis: Redis) => Promise<T>): Promise<T> => {
    const redis = admin(port);
    redis.on('error', () => undefined);
    try {
      await redis.connect();
      return await command(redis);
    } finally {
      redis.disconnect();
    }
  };
  const kill = () =>
    Promise.all(
      children.map((child) => {
        if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGKILL');
        return exited;
      }),
    );
  const answers = (port: number) => ask(port, (r) => r.ping()).then(() => true, () => false);
  try {
    for (const port of ports) await waitFor(() => answers(port), 15_000, 50);
    await run('redis-cli', ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '1', '--cluster-yes']);
    const clusterOk = async () => (await Promise.all(ports.map((p) => ask(p, (r) => r.cluster('INFO')).catch(() => '')))).every((info) => String(info).includes('cluster_state:ok'));
    await waitFor(clusterOk, 30_000, 200);
    // Every shard lists its replica, and every replica has caught up with its master.
    await waitFor(async () => (await ask(ports[0] as number, (r) => r.cluster('SLOTS'))).every((shard) => shard.length >= 4), 30_000, 200);
    await waitFor(async () => (await Promise.all(ports.map((p) => ask(p, (r) => r.info('replication'))))).every((info) => !info.includes('role:slave') || info.includes('master_link_status:up')), 30_000, 200);
  } catch (err) {
    await kill();
    await rm(dir, { recursive: true, force: true });
    throw err;
  }

  /** The ports of the master and replicas serving `key`'s slot, as a node sees them. */
  const nodesOf = async (key: string, askPort: number) => {
    const slot = Number(await ask(askPort, (r) => r.cluster('KEYSLOT', key)));
    const shards = await ask(askPort, (r) => r.cluster('SLOTS'));
    const shard = shards.find(([from, to]) => slot >= from && slot <= to);
    if (!shard) throw new Error(`no shard serves slot ${slot}`);
    const [, , ...nodes] = shard;
    return nodes.map((node) => node[1]);
  };
  const shardOf = async (key: string) => {
    // A master that has just turned replica is listed once it has synced with the new master.
    let nodes: number[] = [];
    await waitFor(async () => (nodes = await nodesOf(key, ports[0] as number)).length >= 2, 30_000, 50).catch(() => undefined);
    const [master, replica] = nodes;
    if (!master || !replica) throw new Error(`the slot of ${key} has no replica`);
    return { master, replica };
  };

  const lastPromoted = new Map<number, number>();
  return {
    nodes: ports.map((p) => `127.0.0.1:${p}`).join(','),
    ports,
    shardOf,
    failover: async (key) => {
      const { master, replica } = await shardOf(key);
      // A replica that has not yet synced with its master (just after an earlier failover) lets a
      // manual failover time out: wait for its link first.
      await waitFor(async () => (await ask(replica, (r) => r.info('replication'))).includes('master_link_status:up'), 30_000, 50);
      // A replica stands for election at most once per four node timeouts: promoting the same node
      // again sooner would time out.
      const sinceLast = Date.now() - (lastPromoted.get(replica) ?? 0);
      if (sinceLast < ELECTION_INTERVAL_MS) await new Promise((resolve) => setTimeout(resolve, ELECTION_INTERVAL_MS - sinceLast));
      const started = Date.now();
      lastPromoted.set(replica, started);
      // Every node agrees on the new master (asked again should an attempt time out or be undone).
      const agreed = async () => (await Promise.all(ports.map((p) => nodesOf(key, p).catch(() => [])))).every((nodes) => nodes[0] === replica);
      for (let attempt = 1; ; attempt++) {
        const refused = await ask(replica, (r) => r.cluster('FAILOVER')).then(() => undefined, (err: Error) => err.message);
        try {
          await waitFor(agreed, 10_000, 50);
          break;
        } catch (err) {
          if (attempt === 3) throw new Error(`${replica} did not take over from ${master}${refused ? ` (${refused})` : ''}`, { cause: err });
          await new Promise((resolve) => setTimeout(resolve, ELECTION_INTERVAL_MS));
          lastPromoted.set(replica, Date.now());
        }
      }
      return { from: master, to: replica, ms: Date.now() - started };
    },
    stop: async () => {
      await kill();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface PostgresPairTopology {
  primaryUrl(database: string): string;
  replicaUrl(database: string): string;
  /** Pauses (or resumes) WAL replay on the replica: its reads stay at the moment of the pause. */
  pauseReplay(paused: boolean): Promise<void>;
  /** Bytes of WAL the replica has received but not replayed, and has not received, right now. */
  lagBytes(): Promise<number>;
  stop(): Promise<void>;
}

async function postgresBin(): Promise<string> {
  const versions = (await readdir('/usr/lib/postgresql')).sort((a, b) => Number(b) - Number(a));
  if (!versions[0]) throw new Error('no PostgreSQL binaries under /usr/lib/postgresql');
  return `/usr/lib/postgresql/${versions[0]}/bin`;
}

/** A PostgreSQL primary and a streaming replica of it (`pg_basebackup -R`), each on a spare port. */
export async function startPostgresPair(): Promise<PostgresPairTopology> {
  const bin = await postgresBin();
  const dir = await mkdtemp(path.join(tmpdir(), 'wetty-pg-pair-'));
  const asRoot = userInfo().uid === 0;
  if (asRoot) {
    const { stdout: uid } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    await chown(dir, Number(uid.trim()), Number(gid.trim()));
  }
  // Run as root, the servers run as the `postgres` user, which owns the directory.
  const as = (command: string, args: string[]) => (asRoot ? run('runuser', ['-u', 'postgres', '--', command, ...args]) : run(command, args));
  const [primaryPort, replicaPort] = [await freePort(), await freePort()];
  const primaryData = path.join(dir, 'primary');
  const replicaData = path.join(dir, 'replica');
  const options = (port: number) => `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=200 -c wal_level=replica -c hot_standby=on -c max_wal_senders=5`;
  const start = (data: string, port: number, log: string) => as(`${bin}/pg_ctl`, ['-D', data, '-o', options(port), '-l', path.join(dir, log), '-w', '-t', '60', 'start']);
  const stop = (data: string) => as(`${bin}/pg_ctl`, ['-D', data, '-m', 'immediate', '-w', '-t', '60', 'stop']).catch(() => undefined);

  await as(`${bin}/initdb`, ['-D', primaryData, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
  await start(primaryData, primaryPort, 'primary.log');
  await as(`${bin}/pg_basebackup`, ['-h', '127.0.0.1', '-p', String(primaryPort), '-U', 'postgres', '-D', replicaData, '-R', '-X', 'stream', '--no-sync']);
  await start(replicaData, replicaPort, 'replica.log');

  const url = (port: number, database: string) => `postgres://postgres@127.0.0.1:${port}/${database}`;
  const onReplica = async <T>(query: (client: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString: url(replicaPort, 'postgres') });
    await client.connect();
    try {
      return await query(client);
    } finally {
      await client.end();
    }
  };
  await waitFor(async () => onReplica(async (c) => (await c.query<{ r: boolean }>('select pg_is_in_recovery() as r')).rows[0]?.r === true).catch(() => false), 30_000, 100);

  return {
    primaryUrl: (database) => url(primaryPort, database),
    replicaUrl: (database) => url(replicaPort, database),
    pauseReplay: async (paused) => {
      await onReplica((c) => c.query(paused ? 'select pg_wal_replay_pause()' : 'select pg_wal_replay_resume()'));
    },
    lagBytes: async () => {
      const client = new pg.Client({ connectionString: url(primaryPort, 'postgres') });
      await client.connect();
      try {
        const { rows } = await client.query<{ lag: string | null }>('select max(pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn))::text as lag from pg_stat_replication');
        return Number(rows[0]?.lag ?? 0);
      } finally {
        await client.end();
      }
    },
    stop: async () => {
      await stop(replicaData);
      await stop(primaryData);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
