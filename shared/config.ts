import { z } from 'zod';

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

  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).default('postgres://postgres@127.0.0.1:5432/wetty'),
  DATABASE_POOL_MAX: positiveInt.default(10),
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).default('redis://127.0.0.1:6379'),
  REDIS_PREFIX: z.string().regex(/^[a-z0-9_-]{1,40}$/, 'lowercase letters, digits, _ or -').default('wetty'),

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
}).superRefine((e, ctx) => {
  if (e.FILE_STORAGE === 's3') {
    for (const name of ['S3_ACCESS_KEY', 'S3_SECRET_KEY'] as const) {
      if (!e[name]) ctx.addIssue({ code: 'custom', path: [name], message: 'required when FILE_STORAGE=s3' });
    }
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
    faults: { crashAfterCommit: e.FAULT_CRASH_AFTER_COMMIT ?? null },
    db: { url: e.DATABASE_URL, poolMax: e.DATABASE_POOL_MAX },
    redis: { url: e.REDIS_URL, prefix: e.REDIS_PREFIX },
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
    supervisor: { workers: e.SUPERVISOR_WORKERS, realtimeNodes: e.SUPERVISOR_REALTIME_NODES, readyTimeoutMs: e.SUPERVISOR_READY_TIMEOUT_SECONDS * 1000 },
  });
}

export type Config = ReturnType<typeof loadConfig>;

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

function deepFreeze<T extends object>(value: T): T {
  for (const child of Object.values(value)) {
    if (child !== null && typeof child === 'object') deepFreeze(child);
  }
  return Object.freeze(value);
}
