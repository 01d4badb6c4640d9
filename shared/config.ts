import { z } from 'zod';
import { WebhookEventType } from './contracts/webhooks.ts';
import { SEND_BATCH_MAX_SENDS } from './queues/contracts.ts';

/**
 * Every setting of every role, read from the environment once at startup.
 * `loadConfig` fails with one error naming every bad variable, so an operator fixes them all at once.
 * Tests call `loadConfig({...})` with their own map instead of touching `process.env`.
 */

const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = z.coerce.number().int().positive();
const flag = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

  API_HOST: z.string().min(1).default('127.0.0.1'),
  API_PORT: port.default(3000),
  API_JSON_LIMIT_BYTES: positiveInt.default(64 * 1024),
  TRUST_PROXY: flag.default(false),
  API_JOB_WAIT_MS: z.coerce.number().int().min(0).max(30_000).default(3000),
  // An api process enqueues the sends it accepts for one queue partition together, as one job.
  // At most what one job may carry: a larger batch would fail the job's contract, each send answered 400.
  API_SEND_BATCH_MAX: positiveInt.max(SEND_BATCH_MAX_SENDS).default(64),
  API_SEND_BATCH_WAIT_MS: z.coerce.number().min(0).max(100).default(2),
  RECALL_WINDOW_SECONDS: positiveInt.default(120),
  // How long after sending a sender may edit a message; 0 means no limit.
  EDIT_WINDOW_SECONDS: z.coerce.number().int().min(0).default(48 * 3600),
  API_OPS_HOST: z.string().min(1).default('127.0.0.1'),
  API_OPS_PORT: port.default(3300),
  API_DRAIN_DELAY_SECONDS: z.coerce.number().min(0).max(60).default(0),
  // Browser pages on other origins allowed to call the api and open the WebSocket (same origin always is).
  CORS_ORIGINS: z.string().default('').transform((v, ctx) => parseOrigins(v, ctx)),
  CORS_MAX_AGE_SECONDS: z.coerce.number().int().min(0).max(86_400).default(600),

  OPERATOR_USER: z.string().min(1).max(64).default('operator'),
  // No default here: development and test fall back to DEV_OPERATOR_PASSWORD, production must set it.
  OPERATOR_PASSWORD: z.string().min(1).max(256).optional(),

  WS_HOST: z.string().min(1).default('127.0.0.1'),
  WS_PORT: port.default(3001),
  WS_PATH: z.string().startsWith('/').default('/ws/chats'),
  WS_IDLE_TIMEOUT_SECONDS: z.coerce.number().int().min(8).max(960).default(76),
  WS_MAX_CONNECTIONS: positiveInt.default(19_000),
  WS_MAX_PAYLOAD_BYTES: positiveInt.default(16 * 1024),
  WS_MAX_BACKPRESSURE_BYTES: positiveInt.default(1024 * 1024),
  WS_PRESENCE_TTL_SECONDS: z.coerce.number().min(1).max(600).default(30),
  REALTIME_OPS_PORT: port.default(3100),
  WS_USER_MAX_SOCKETS_PER_NODE: positiveInt.default(32),
  WS_USER_MAX_SOCKETS: positiveInt.default(64),
  WS_FRAME_RATE_MAX: positiveInt.default(100),
  WS_FRAME_RATE_WINDOW_SECONDS: positiveInt.default(10),
  WS_REPEAT_WINDOW_SECONDS: positiveInt.default(600),
  WS_REPEAT_MEMORY_MAX: positiveInt.default(200_000),

  WORKER_OPS_HOST: z.string().min(1).default('127.0.0.1'),
  WORKER_OPS_PORT: port.default(3200),
  WORKER_CONCURRENCY: positiveInt.default(100),
  // Thumbnail jobs are CPU- and memory-heavy: a few at a time per worker process, apart from the rest.
  WORKER_MEDIA_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
  SEND_BATCH_MAX: positiveInt.default(100),
  SEND_BATCH_WAIT_MS: z.coerce.number().min(0).max(1000).default(2),
  OUTBOX_RELAY_INTERVAL_MS: z.coerce.number().int().min(10).max(60_000).default(500),
  OUTBOX_RELAY_AFTER_MS: z.coerce.number().int().min(0).max(600_000).default(2000),
  // Test only: a worker SIGKILLs itself right after committing a message whose text contains this.
  FAULT_CRASH_AFTER_COMMIT: z.string().min(8).optional(),

  // Endpoints from configuration (beside those registered through /admin/webhooks): a JSON array of {url, events, secret}.
  WEBHOOKS: z.string().default('[]').transform((v, ctx) => parseWebhooks(v, ctx)),
  // Deliver webhooks to loopback and private addresses (tests, or receivers on a private network).
  WEBHOOK_ALLOW_PRIVATE: flag.default(false),
  // The before-send hook: asked about each message before it is stored (docs/webhooks.md).
  MODERATION_WEBHOOK_URL: z.url({ protocol: /^https?$/ }).optional(),
  MODERATION_WEBHOOK_SECRET: z.string().min(16, 'at least 16 characters').optional(),
  MODERATION_TIMEOUT_MS: z.coerce.number().int().min(10).max(30_000).default(1000),
  MODERATION_FAIL: z.enum(['open', 'closed']).default('open'),

  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).default('postgres://postgres@127.0.0.1:5432/wetty'),
  DATABASE_POOL_MAX: positiveInt.default(10),
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).default('redis://127.0.0.1:6379'),
  /** ioredis auto-pipelining on the connections that allow it (shared/redis/connections.ts). */
  REDIS_AUTO_PIPELINING: flag.default(true),
  REDIS_PREFIX: z.string().regex(/^[a-z0-9_-]{1,40}$/, 'lowercase letters, digits, _ or -').default('wetty'),
  // Seed nodes of a Redis Cluster (`host:port,host:port`); set, every Redis use goes through the cluster.
  REDIS_CLUSTER_NODES: z
    .string()
    .regex(/^[^\s,:]+:\d{1,5}(,[^\s,:]+:\d{1,5})*$/, 'comma-separated host:port')
    .optional(),
  MESSAGE_QUEUE_PARTITIONS: z.coerce.number().int().min(1).max(64).default(1),
  // A streaming replica for reads that tolerate lag (history, chat lists); unset, every read goes to DATABASE_URL.
  DATABASE_READ_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  DATABASE_READ_YOUR_WRITES_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),

  WEB_TOKEN_TTL_SECONDS: positiveInt.default(12 * 3600),
  MOBILE_TOKEN_TTL_SECONDS: positiveInt.default(30 * 24 * 3600),
  REFRESH_GRACE_SECONDS: z.coerce.number().int().min(0).max(300).default(10),
  WS_TICKET_TTL_SECONDS: positiveInt.default(60),
  LOGIN_RATE_MAX: positiveInt.default(10),
  LOGIN_RATE_WINDOW_SECONDS: positiveInt.default(60),
  LOGIN_ADDRESS_RATE_MAX: positiveInt.default(50),
  LOGIN_USER_FAILURE_MAX: positiveInt.default(100),
  LOGIN_USER_FAILURE_WINDOW_SECONDS: positiveInt.default(3600),
  LOGIN_KNOWN_ADDRESS_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  REGISTER_RATE_MAX: positiveInt.default(20),
  REGISTER_RATE_WINDOW_SECONDS: positiveInt.default(3600),

  GROUP_SMALL_MAX_MEMBERS: positiveInt.default(500),
  GROUP_LARGE_MAX_MEMBERS: positiveInt.default(100_000),
  MUTE_MAX_SECONDS: positiveInt.default(30 * 24 * 3600),

  // Per-user abuse limits (README "Limits"): far above what an honest client does.
  SEND_BURST_MAX: positiveInt.default(30),
  SEND_BURST_WINDOW_SECONDS: positiveInt.default(1),
  SEND_SUSTAINED_MAX: positiveInt.default(10_000),
  SEND_SUSTAINED_WINDOW_SECONDS: positiveInt.default(3600),
  FRIEND_REQUESTS_PER_DAY: positiveInt.default(200),
  GROUP_ADDITIONS_PER_HOUR: positiveInt.default(1000),
  UPLOADS_PER_HOUR: positiveInt.default(500),
  UPLOAD_BYTES_PER_HOUR: positiveInt.default(20 * 1024 ** 3),

  SUPERVISOR_API_PROCESSES: z.coerce.number().int().min(1).max(32).default(1),
  SUPERVISOR_WORKERS: z.coerce.number().int().min(0).max(32).default(1),
  SUPERVISOR_REALTIME_NODES: z.coerce.number().int().min(0).max(32).default(1),
  SUPERVISOR_READY_TIMEOUT_SECONDS: z.coerce.number().int().min(5).max(600).default(60),

  // Signs the internal service key (file writes by other roles) and short-lived download links.
  INTERNAL_SECRET: z.string().min(32, 'at least 32 characters').optional(),

  FILE_STORAGE: z.enum(['fs', 's3']).default('fs'),
  FILE_DIR: z.string().min(1).default('./data/files'),
  FILE_MAX_BYTES: positiveInt.default(2 * 1024 ** 3),
  FILE_LINK_TTL_SECONDS: z.coerce.number().int().min(10).max(3600).default(300),
  // Images claiming more pixels than this get no size and no thumbnail (decompression bombs).
  FILE_IMAGE_MAX_PIXELS: z.coerce.number().int().min(1_000_000).max(268_402_689).default(64_000_000),
  // An upload unfinished after this long is taken as abandoned (its api stopped) and its object removed.
  FILE_UPLOAD_ABANDONED_SECONDS: z.coerce.number().int().min(60).max(30 * 24 * 3600).default(24 * 3600),
  S3_ENDPOINT: z.string().min(1).default('127.0.0.1'),
  S3_PORT: port.default(9000),
  S3_USE_SSL: flag.default(false),
  S3_ACCESS_KEY: z.string().min(1).optional(),
  S3_SECRET_KEY: z.string().min(1).optional(),
  S3_BUCKET: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'an S3 bucket name').default('wetty-files'),
  S3_REGION: z.string().min(1).default('us-east-1'),

  // Pushes to devices of users with no live socket (docs/api.md, "Push").
  PUSH_DELAY_MS: z.coerce.number().int().min(0).max(600_000).default(5000),
  PUSH_PREVIEWS: flag.default(true),
  VAPID_PUBLIC_KEY: z.string().regex(/^[A-Za-z0-9_-]{87}$/, 'a P-256 public key, base64url (87 characters)').optional(),
  VAPID_PRIVATE_KEY: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'a P-256 private key, base64url (43 characters)').optional(),
  VAPID_SUBJECT: z.string().regex(/^(mailto:|https:\/\/)/, 'a mailto: or https: URL').default('mailto:push@wetty.invalid'),
  WEBPUSH_ALLOW_LOCAL: flag.default(false),
  FCM_ENDPOINT: z.url({ protocol: /^https?$/ }).default('https://fcm.googleapis.com'),
  FCM_SERVICE_ACCOUNT_FILE: z.string().min(1).optional(),
  FCM_TOKEN_URI: z.url({ protocol: /^https?$/ }).optional(),
  APNS_HOST: z.url({ protocol: /^https?$/ }).default('https://api.push.apple.com'),
  APNS_KEY_FILE: z.string().min(1).optional(),
  APNS_KEY_ID: z.string().regex(/^[A-Z0-9]{10}$/, '10 characters A-Z 0-9').optional(),
  APNS_TEAM_ID: z.string().regex(/^[A-Z0-9]{10}$/, '10 characters A-Z 0-9').optional(),
  APNS_TOPIC: z.string().min(1).optional(),
}).superRefine((e, ctx) => {
  if (e.FILE_STORAGE === 's3') {
    for (const name of ['S3_ACCESS_KEY', 'S3_SECRET_KEY'] as const) {
      if (!e[name]) ctx.addIssue({ code: 'custom', path: [name], message: 'required when FILE_STORAGE=s3' });
    }
  }
  if ((e.VAPID_PUBLIC_KEY === undefined) !== (e.VAPID_PRIVATE_KEY === undefined)) {
    ctx.addIssue({ code: 'custom', path: [e.VAPID_PUBLIC_KEY ? 'VAPID_PRIVATE_KEY' : 'VAPID_PUBLIC_KEY'], message: 'VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY go together' });
  }
  if (e.APNS_KEY_FILE !== undefined) {
    for (const name of ['APNS_KEY_ID', 'APNS_TEAM_ID', 'APNS_TOPIC'] as const) {
      if (!e[name]) ctx.addIssue({ code: 'custom', path: [name], message: 'required when APNS_KEY_FILE is set' });
    }
  }
  if (e.MODERATION_WEBHOOK_URL !== undefined && e.MODERATION_WEBHOOK_SECRET === undefined) {
    ctx.addIssue({ code: 'custom', path: ['MODERATION_WEBHOOK_SECRET'], message: 'required when MODERATION_WEBHOOK_URL is set (it signs the hook\'s requests)' });
  }
  if (e.FAULT_CRASH_AFTER_COMMIT !== undefined && e.NODE_ENV !== 'test') {
    ctx.addIssue({ code: 'custom', path: ['FAULT_CRASH_AFTER_COMMIT'], message: 'fault injection is for NODE_ENV=test only' });
  }
  // Run even when other variables are bad, so one error still names every problem.
}, { when: () => true });

/** The internal secret outside production when none is set; refused in production. */
export const DEV_INTERNAL_SECRET = 'wetty-development-internal-secret-not-for-production';

export type Env = Record<string, string | undefined>;

/** Every environment variable the product reads; docker-compose and the README are checked against it. */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(EnvSchema.shape);

/** The operator password outside production when none is set. Documented in the README; refused in production. */
export const DEV_OPERATOR_PASSWORD = 'wetty-operator';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: Env = process.env) {
  // Empty strings mean "not set", so `FOO= npm start` falls back to the default.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = EnvSchema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const e = parsed.data;
  return deepFreeze({
    env: e.NODE_ENV,
    logLevel: e.LOG_LEVEL,
    api: {
      host: e.API_HOST,
      port: e.API_PORT,
      jsonLimitBytes: e.API_JSON_LIMIT_BYTES,
      trustProxy: e.TRUST_PROXY,
      jobWaitMs: e.API_JOB_WAIT_MS,
      sendBatch: { maxItems: e.API_SEND_BATCH_MAX, maxWaitMs: e.API_SEND_BATCH_WAIT_MS },
      opsHost: e.API_OPS_HOST,
      opsPort: e.API_OPS_PORT,
      drainDelayMs: Math.round(e.API_DRAIN_DELAY_SECONDS * 1000),
    },
    cors: { origins: e.CORS_ORIGINS, maxAgeSeconds: e.CORS_MAX_AGE_SECONDS },
    messages: { recallWindowSeconds: e.RECALL_WINDOW_SECONDS, editWindowSeconds: e.EDIT_WINDOW_SECONDS },
    operator: { user: e.OPERATOR_USER, password: e.OPERATOR_PASSWORD ?? (e.NODE_ENV === 'production' ? null : DEV_OPERATOR_PASSWORD) },
    realtime: {
      host: e.WS_HOST,
      port: e.WS_PORT,
      path: e.WS_PATH,
      opsPort: e.REALTIME_OPS_PORT,
      idleTimeoutSeconds: e.WS_IDLE_TIMEOUT_SECONDS,
      maxConnections: e.WS_MAX_CONNECTIONS,
      maxPayloadBytes: e.WS_MAX_PAYLOAD_BYTES,
      maxBackpressureBytes: e.WS_MAX_BACKPRESSURE_BYTES,
      userMaxSocketsPerNode: e.WS_USER_MAX_SOCKETS_PER_NODE,
      userMaxSockets: e.WS_USER_MAX_SOCKETS,
      frameRate: { max: e.WS_FRAME_RATE_MAX, windowSeconds: e.WS_FRAME_RATE_WINDOW_SECONDS },
      presenceTtlMs: Math.round(e.WS_PRESENCE_TTL_SECONDS * 1000),
      repeats: { windowMs: e.WS_REPEAT_WINDOW_SECONDS * 1000, maxEntries: e.WS_REPEAT_MEMORY_MAX },
    },
    workers: {
      opsHost: e.WORKER_OPS_HOST,
      opsPort: e.WORKER_OPS_PORT,
      concurrency: e.WORKER_CONCURRENCY,
      mediaConcurrency: e.WORKER_MEDIA_CONCURRENCY,
      sendBatch: { maxItems: e.SEND_BATCH_MAX, maxWaitMs: e.SEND_BATCH_WAIT_MS },
      relay: { intervalMs: e.OUTBOX_RELAY_INTERVAL_MS, afterMs: e.OUTBOX_RELAY_AFTER_MS },
    },
    webhooks: { endpoints: e.WEBHOOKS, allowPrivate: e.WEBHOOK_ALLOW_PRIVATE },
    moderation: e.MODERATION_WEBHOOK_URL === undefined
      ? null
      : { url: e.MODERATION_WEBHOOK_URL, secret: e.MODERATION_WEBHOOK_SECRET ?? '', timeoutMs: e.MODERATION_TIMEOUT_MS, failOpen: e.MODERATION_FAIL === 'open' },
    faults: { crashAfterCommit: e.FAULT_CRASH_AFTER_COMMIT ?? null },
    db: { url: e.DATABASE_URL, poolMax: e.DATABASE_POOL_MAX },
    dbRead: { url: e.DATABASE_READ_URL ?? null, poolMax: e.DATABASE_POOL_MAX, readYourWritesMs: e.DATABASE_READ_YOUR_WRITES_SECONDS * 1000 },
    redis: {
      url: e.REDIS_URL,
      prefix: e.REDIS_PREFIX,
      autoPipelining: e.REDIS_AUTO_PIPELINING,
      clusterNodes: e.REDIS_CLUSTER_NODES ? parseNodes(e.REDIS_CLUSTER_NODES) : null,
      messagePartitions: e.MESSAGE_QUEUE_PARTITIONS,
    },
    auth: {
      tokenTtlSeconds: { web: e.WEB_TOKEN_TTL_SECONDS, mobile: e.MOBILE_TOKEN_TTL_SECONDS },
      refreshGraceSeconds: e.REFRESH_GRACE_SECONDS,
      wsTicketTtlSeconds: e.WS_TICKET_TTL_SECONDS,
      loginRate: { max: e.LOGIN_RATE_MAX, windowSeconds: e.LOGIN_RATE_WINDOW_SECONDS },
      loginAddressRate: { max: e.LOGIN_ADDRESS_RATE_MAX, windowSeconds: e.LOGIN_RATE_WINDOW_SECONDS },
      loginUserFailures: { max: e.LOGIN_USER_FAILURE_MAX, windowSeconds: e.LOGIN_USER_FAILURE_WINDOW_SECONDS },
      loginKnownAddressSeconds: e.LOGIN_KNOWN_ADDRESS_DAYS * 24 * 3600,
      registerRate: { max: e.REGISTER_RATE_MAX, windowSeconds: e.REGISTER_RATE_WINDOW_SECONDS },
      internalSecret: e.INTERNAL_SECRET ?? (e.NODE_ENV === 'production' ? null : DEV_INTERNAL_SECRET),
    },
    files: {
      storage: e.FILE_STORAGE,
      dir: e.FILE_DIR,
      maxBytes: e.FILE_MAX_BYTES,
      linkTtlSeconds: e.FILE_LINK_TTL_SECONDS,
      imageMaxPixels: e.FILE_IMAGE_MAX_PIXELS,
      uploadAbandonedSeconds: e.FILE_UPLOAD_ABANDONED_SECONDS,
      s3: {
        endPoint: e.S3_ENDPOINT,
        port: e.S3_PORT,
        useSSL: e.S3_USE_SSL,
        accessKey: e.S3_ACCESS_KEY ?? '',
        secretKey: e.S3_SECRET_KEY ?? '',
        bucket: e.S3_BUCKET,
        region: e.S3_REGION,
      },
    },
    groups: {
      maxMembers: { small: e.GROUP_SMALL_MAX_MEMBERS, large: e.GROUP_LARGE_MAX_MEMBERS },
      muteMaxSeconds: e.MUTE_MAX_SECONDS,
    },
    limits: {
      sendBurst: { max: e.SEND_BURST_MAX, windowSeconds: e.SEND_BURST_WINDOW_SECONDS },
      sendSustained: { max: e.SEND_SUSTAINED_MAX, windowSeconds: e.SEND_SUSTAINED_WINDOW_SECONDS },
      friendRequests: { max: e.FRIEND_REQUESTS_PER_DAY, windowSeconds: 24 * 3600 },
      groupAdditions: { max: e.GROUP_ADDITIONS_PER_HOUR, windowSeconds: 3600 },
      uploads: { max: e.UPLOADS_PER_HOUR, windowSeconds: 3600 },
      uploadBytes: { max: e.UPLOAD_BYTES_PER_HOUR, windowSeconds: 3600 },
    },
    push: {
      delayMs: e.PUSH_DELAY_MS,
      previews: e.PUSH_PREVIEWS,
      webPush: {
        keys: e.VAPID_PUBLIC_KEY && e.VAPID_PRIVATE_KEY ? { publicKey: e.VAPID_PUBLIC_KEY, privateKey: e.VAPID_PRIVATE_KEY } : null,
        subject: e.VAPID_SUBJECT,
        allowLocal: e.WEBPUSH_ALLOW_LOCAL,
      },
      fcm: e.FCM_SERVICE_ACCOUNT_FILE ? { endpoint: e.FCM_ENDPOINT, serviceAccountFile: e.FCM_SERVICE_ACCOUNT_FILE, tokenUri: e.FCM_TOKEN_URI ?? null } : null,
      apns:
        e.APNS_KEY_FILE && e.APNS_KEY_ID && e.APNS_TEAM_ID && e.APNS_TOPIC
          ? { host: e.APNS_HOST, keyFile: e.APNS_KEY_FILE, keyId: e.APNS_KEY_ID, teamId: e.APNS_TEAM_ID, topic: e.APNS_TOPIC }
          : null,
    },
    supervisor: { apiProcesses: e.SUPERVISOR_API_PROCESSES, workers: e.SUPERVISOR_WORKERS, realtimeNodes: e.SUPERVISOR_REALTIME_NODES, readyTimeoutMs: e.SUPERVISOR_READY_TIMEOUT_SECONDS * 1000 },
  });
}

export type Config = ReturnType<typeof loadConfig>;

function parseNodes(list: string): { host: string; port: number }[] {
  return list.split(',').map((entry) => {
    const at = entry.lastIndexOf(':');
    return { host: entry.slice(0, at), port: Number(entry.slice(at + 1)) };
  });
}

/**
 * The operator credentials that guard `/admin/queues`. Only the processes that serve the board (the
 * api, and the supervisor that starts it) call this, so workers and migrations run without them.
 * In production the password must be set and must not be the documented development default.
 */
export function operatorCredentials(config: Pick<Config, 'env' | 'operator'>): { user: string; password: string } {
  const { user, password } = config.operator;
  if (password === null) {
    throw new ConfigError(['OPERATOR_PASSWORD: required when NODE_ENV=production (it protects /admin/queues)']);
  }
  if (config.env === 'production' && password === DEV_OPERATOR_PASSWORD) {
    throw new ConfigError(['OPERATOR_PASSWORD: the development default is refused when NODE_ENV=production']);
  }
  return { user, password };
}

/**
 * The secret that signs the internal service key and download links. Only the api (and the supervisor
 * that starts it) calls this, at startup, so other roles run without it. In production it must be
 * set and must not be the development default.
 */
export function internalSecret(config: Pick<Config, 'env' | 'auth'>): string {
  const secret = config.auth.internalSecret;
  if (secret === null) throw new ConfigError(['INTERNAL_SECRET: required when NODE_ENV=production (it signs internal keys and download links)']);
  if (config.env === 'production' && secret === DEV_INTERNAL_SECRET) {
    throw new ConfigError(['INTERNAL_SECRET: the development default is refused when NODE_ENV=production']);
  }
  return secret;
}

/**
 * `CORS_ORIGINS`: comma-separated origins (`https://app.example.com`, `http://localhost:5173`), or `*`
 * alone (any page, never with credentials). Empty: only the api's own origin.
 */
function parseOrigins(value: string, ctx: z.RefinementCtx): string[] {
  const origins = value.split(',').map((o) => o.trim()).filter(Boolean);
  if (origins.includes('*') && origins.length > 1) ctx.addIssue({ code: 'custom', message: '`*` stands alone (any origin), not in a list' });
  for (const origin of origins) {
    if (origin === '*') continue;
    let parsed: URL | null = null;
    try {
      parsed = new URL(origin);
    } catch {
      // reported below
    }
    if (!parsed || !/^https?:$/.test(parsed.protocol) || parsed.origin !== origin) {
      ctx.addIssue({ code: 'custom', message: `${origin} is not an origin like https://app.example.com (scheme, host, optional port; no path or trailing slash)` });
    }
  }
  return origins;
}

const ConfiguredWebhook = z.object({
  url: z.url({ protocol: /^https?$/ }),
  events: z.array(WebhookEventType).min(1),
  secret: z.string().min(16, 'at least 16 characters'),
}).strict();
export type ConfiguredWebhook = z.infer<typeof ConfiguredWebhook>;

/** `WEBHOOKS`: a JSON array of `{url, events, secret}`, each checked like a registration. */
function parseWebhooks(value: string, ctx: z.RefinementCtx): ConfiguredWebhook[] {
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch {
    ctx.addIssue({ code: 'custom', message: 'not JSON: expected an array of {url, events, secret}' });
    return [];
  }
  const parsed = z.array(ConfiguredWebhook).safeParse(json);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', message: `[${issue.path.join('.')}] ${issue.message}` });
    return [];
  }
  return parsed.data;
}

function deepFreeze<T extends object>(value: T): T {
  for (const child of Object.values(value)) {
    if (child !== null && typeof child === 'object') deepFreeze(child);
  }
  return Object.freeze(value);
}
