// The one place that reads settings. Everything else receives the frozen Config.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import proxyAddr from 'proxy-addr';
import { z } from 'zod';
import { DEFAULT_DELIVERY_MAX_AGE_MINUTES } from './domain/delivery.js';
import {
  DEFAULT_ANONYMOUS_COST_BURST,
  DEFAULT_ANONYMOUS_COST_PER_SECOND,
  DEFAULT_MAX_DOCUMENT_BYTES,
  DEFAULT_SOCKETS_PER_ADDRESS,
  DEFAULT_SUBSCRIPTIONS_PER_SOCKET,
  MAX_COMPLEXITY,
} from './domain/operation-limits.js';
import { DEFAULT_NO_SHOW_MINUTES } from './domain/no-show.js';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid settings:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Every setting the server understands, in the order the README documents them. */
export const SETTING_NAMES = [
  'NODE_ENV',
  'SECRET_KEY',
  'DATABASE_URL',
  'NUC_DATABASE_URL',
  'SENTRY_DSN',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_REGION',
  'S3_BUCKET',
  'S3_ENDPOINT',
  'BITLY_TOKEN',
  'BITLY_API_URL',
  'TWILIO_ACCOUNT_SID',
  'TWILIO_AUTH_TOKEN',
  'TWILIO_FROM',
  'TWILIO_API_URL',
  'PUBLIC_BASE_URL',
  'PORT',
  'API_PROCESSES',
  'HOST',
  'METRICS_PORT',
  'METRICS_HOST',
  'TZ',
  'RECALL_WINDOW_SIZE',
  'RECALL_WINDOW_MINUTES',
  'RECALL_INTERVAL_SECONDS',
  'RECALL_DISABLE',
  'NO_SHOW_MINUTES',
  'ADMIN_PASSWORD',
  'TABLET_PASSWORD',
  'VR_GAME_PASSWORD',
  'LOG_LEVEL',
  'CORS_ORIGINS',
  'GRAPHIQL',
  'TRUST_PROXY',
  'MAX_DOCUMENT_BYTES',
  'ANONYMOUS_COST_PER_SECOND',
  'ANONYMOUS_COST_BURST',
  'MAX_SUBSCRIPTIONS_PER_SOCKET',
  'MAX_SOCKETS_PER_ADDRESS',
  'DATA_DIR',
  'PHONE_REGION',
  'GIT_SHA',
  'JOB_EXPIRE_SECONDS',
  'JOB_RETRY_DELAY_MAX_SECONDS',
  'JOB_MONITOR_SECONDS',
  'DELIVERY_MAX_AGE_MINUTES',
  'RENDER_THREADS',
  'DMX_PATH',
  'ARTNET_HOST',
  'ARTNET_UNIVERSE',
  'LIGHTING_DISABLE',
  'PLAYER_RETENTION_DAYS',
] as const;
type SettingName = (typeof SETTING_NAMES)[number];

const optionalText = z.string().trim().min(1).optional();
const dbUrl = z
  .string()
  .regex(/^postgres(ql)?:\/\/[^\s]+$/, 'must be a postgres:// or postgresql:// URL')
  .refine((v) => URL.canParse(v), 'must be a valid URL')
  .optional();
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const int = (min: number, max: number, dflt: number) => z.coerce.number().int().min(min).max(max).default(dflt);

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  SECRET_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
  DATABASE_URL: dbUrl,
  NUC_DATABASE_URL: dbUrl,
  SENTRY_DSN: z.url().optional(),
  AWS_ACCESS_KEY_ID: optionalText,
  AWS_SECRET_ACCESS_KEY: optionalText,
  AWS_REGION: z.string().default('us-east-1'),
  S3_BUCKET: optionalText,
  S3_ENDPOINT: z.url().optional(),
  BITLY_TOKEN: optionalText,
  BITLY_API_URL: z.url().default('https://api-ssl.bitly.com'),
  TWILIO_ACCOUNT_SID: optionalText,
  TWILIO_AUTH_TOKEN: optionalText,
  TWILIO_FROM: optionalText,
  TWILIO_API_URL: z.url().optional(),
  PUBLIC_BASE_URL: z.url().optional(),
  PORT: int(0, 65535, 8000),
  API_PROCESSES: z.coerce.number().int().min(1).max(64).optional(),
  HOST: z.string().default('0.0.0.0'),
  METRICS_PORT: int(0, 65535, 9464),
  METRICS_HOST: z.string().default('127.0.0.1'),
  TZ: z.string().default('UTC').refine(isTimeZone, 'must be an IANA time zone such as America/New_York'),
  RECALL_WINDOW_SIZE: int(0, 1000, 2),
  RECALL_WINDOW_MINUTES: int(1, 24 * 60, 20),
  RECALL_INTERVAL_SECONDS: int(1, 3600, 30),
  RECALL_DISABLE: bool.default(false),
  NO_SHOW_MINUTES: int(1, 24 * 60, DEFAULT_NO_SHOW_MINUTES),
  ADMIN_PASSWORD: z.string().min(8, 'must be at least 8 characters').optional(),
  TABLET_PASSWORD: z.string().min(8, 'must be at least 8 characters').optional(),
  VR_GAME_PASSWORD: z.string().min(8, 'must be at least 8 characters').optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  CORS_ORIGINS: z.string().default(''),
  GRAPHIQL: bool.default(true),
  TRUST_PROXY: z.string().default(''),
  MAX_DOCUMENT_BYTES: int(1024, 1024 * 1024, DEFAULT_MAX_DOCUMENT_BYTES),
  ANONYMOUS_COST_PER_SECOND: int(0, 1_000_000, DEFAULT_ANONYMOUS_COST_PER_SECOND),
  ANONYMOUS_COST_BURST: int(1, 100_000_000, DEFAULT_ANONYMOUS_COST_BURST),
  MAX_SUBSCRIPTIONS_PER_SOCKET: int(1, 100_000, DEFAULT_SUBSCRIPTIONS_PER_SOCKET),
  MAX_SOCKETS_PER_ADDRESS: int(0, 1_000_000, DEFAULT_SOCKETS_PER_ADDRESS),
  DATA_DIR: z.string().default('.data'),
  PHONE_REGION: z
    .string()
    .regex(/^[A-Z]{2}$/, 'must be a two-letter country code')
    .default('US'),
  GIT_SHA: optionalText,
  JOB_EXPIRE_SECONDS: int(1, 3600, 60),
  JOB_RETRY_DELAY_MAX_SECONDS: int(0, 3600, 300),
  JOB_MONITOR_SECONDS: int(1, 3600, 60),
  DELIVERY_MAX_AGE_MINUTES: int(1, 7 * 24 * 60, DEFAULT_DELIVERY_MAX_AGE_MINUTES),
  // One thread per core beyond the one serving requests, at least one, at most four.
  RENDER_THREADS: int(1, 16, Math.max(1, Math.min(4, availableParallelism() - 1))),
  DMX_PATH: optionalText,
  ARTNET_HOST: z
    .string()
    .trim()
    .regex(/^[^\s:/]+(:\d{1,5})?$/, 'must be a host name or IPv4 address, optionally with :port')
    .optional(),
  // The 15-bit Port-Address (Net, Sub-Net, Universe) of Art-Net 3 and 4.
  ARTNET_UNIVERSE: int(0, 32767, 0),
  LIGHTING_DISABLE: bool.default(false),
  PLAYER_RETENTION_DAYS: z.coerce.number().int().min(1).max(36_500).optional(),
});

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** Booth lighting outputs: an Enttec DMX USB Pro, Art-Net, both or neither. */
export interface LightingConfig {
  readonly disable: boolean;
  /** The widget's serial port. */
  readonly dmxPath?: string;
  readonly artnet?: { readonly host: string; readonly port: number; readonly universe: number };
}

export interface Config {
  readonly env: 'development' | 'production' | 'test';
  readonly secretKey: string;
  /** Reads; also writes when no NUC_DATABASE_URL. Undefined: start the embedded Postgres. */
  readonly databaseUrl?: string;
  /** The primary (the nuc) when this server reads from a replica. */
  readonly nucDatabaseUrl?: string;
  readonly sentryDsn?: string;
  readonly s3?: { bucket: string; region: string; endpoint?: string; accessKeyId?: string; secretAccessKey?: string };
  readonly bitly?: { token: string; apiUrl: string };
  readonly twilio?: { accountSid: string; authToken: string; from: string; apiUrl?: string };
  readonly publicBaseUrl?: string;
  readonly port: number;
  /** API processes sharing PORT (node:cluster); 1 serves in this process alone. */
  readonly apiProcesses: number;
  readonly host: string;
  /** Where /metrics is served: a port of its own that the public proxy does not forward. */
  readonly metrics: { port: number; host: string };
  readonly timeZone: string;
  /** `noShowMinutes`: a recall not confirmed this long after it is cancelled (a show may override it). */
  readonly recall: {
    windowSize: number;
    windowMinutes: number;
    intervalSeconds: number;
    disable: boolean;
    noShowMinutes: number;
  };
  readonly passwords: { admin?: string; tablet?: string; vrGame?: string };
  readonly logLevel: string;
  readonly corsOrigins: string[];
  /** Serve the GraphiQL explorer at /graphiql. */
  readonly graphiql: boolean;
  /** Proxies whose X-Forwarded-For is believed (addresses, CIDR ranges or loopback/linklocal/uniquelocal); empty: none. */
  readonly trustProxy: readonly string[];
  /**
   * What one caller may cost: the size of one GraphQL document (bytes, both transports); the
   * complexity points an anonymous address may spend per second and at most at once (0 per
   * second: unlimited); subscriptions per WebSocket; sockets per address (0: unlimited).
   */
  readonly limits: {
    maxDocumentBytes: number;
    anonymousCostPerSecond: number;
    anonymousCostBurst: number;
    subscriptionsPerSocket: number;
    socketsPerAddress: number;
  };
  readonly dataDir: string;
  readonly phoneRegion: string;
  readonly release?: string;
  /**
   * SMS job expiry (a souvenir gets twice as long), the cap of retry backoff, how often expired jobs
   * are found, and how long a text or upload keeps being retried after it was created.
   */
  readonly jobs: {
    expireSeconds: number;
    retryDelayMaxSeconds: number;
    monitorSeconds: number;
    deliveryMaxAgeMinutes: number;
    /** Worker threads that render souvenirs, off the event loop that serves requests. */
    renderThreads: number;
  };
  readonly lighting: LightingConfig;
  /** Players whose last show ended this many days ago are erased by a daily job; undefined: kept. */
  readonly playerRetentionDays?: number;
}

export interface LoadOptions {
  env?: Record<string, string | undefined>;
  /** Where docker/compose secrets are mounted; a file named after a setting wins over the environment. */
  secretsDir?: string;
}

function readRaw(env: Record<string, string | undefined>, secretsDir: string) {
  const raw: Partial<Record<SettingName, string>> = {};
  for (const name of SETTING_NAMES) {
    const file = path.join(secretsDir, name);
    let value = env[name];
    if (existsSync(file)) value = readFileSync(file, 'utf8').trim();
    // An empty variable means "not set", as in a compose file that lists it without a value.
    if (value !== undefined && value !== '') raw[name] = value;
  }
  return raw;
}

/** Reads and validates every setting once; throws one ConfigError listing every problem. */
export function loadConfig(opts: LoadOptions = {}): Config {
  const env = opts.env ?? process.env;
  const raw = readRaw(env, opts.secretsDir ?? env.SECRETS_DIR ?? '/run/secrets');
  const parsed = schema.safeParse(raw);
  const problems: string[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(`${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(problems);
  }
  const s = parsed.data;
  const production = s.NODE_ENV === 'production';
  if (production) {
    for (const name of ['SECRET_KEY', 'ADMIN_PASSWORD', 'TABLET_PASSWORD', 'VR_GAME_PASSWORD'] as const) {
      if (!s[name]) problems.push(`${name}: required when NODE_ENV=production`);
    }
  }
  const twilioSet = [s.TWILIO_ACCOUNT_SID, s.TWILIO_AUTH_TOKEN, s.TWILIO_FROM].filter(Boolean).length;
  if (twilioSet > 0 && twilioSet < 3) {
    problems.push('TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_FROM: set all three or none');
  }
  if (s.NUC_DATABASE_URL && !s.DATABASE_URL) problems.push('DATABASE_URL: required when NUC_DATABASE_URL is set');
  if (production && twilioSet === 3 && !s.PUBLIC_BASE_URL) problems.push(`PUBLIC_BASE_URL: ${NO_PUBLIC_URL}`);
  const trustProxy = s.TRUST_PROXY.split(',')
    .map((a) => a.trim())
    .filter(Boolean);
  try {
    proxyAddr.compile(trustProxy);
  } catch (err) {
    problems.push(
      `TRUST_PROXY: ${(err as Error).message} (addresses, CIDR ranges, loopback, linklocal or uniquelocal)`,
    );
  }
  const artnet = s.ARTNET_HOST ? artnetTarget(s.ARTNET_HOST, s.ARTNET_UNIVERSE) : undefined;
  if (artnet && (artnet.port < 1 || artnet.port > 65535)) problems.push('ARTNET_HOST: the port must be 1–65535');
  if (s.ANONYMOUS_COST_PER_SECOND > 0 && s.ANONYMOUS_COST_BURST < MAX_COMPLEXITY) {
    problems.push(
      `ANONYMOUS_COST_BURST: must be at least ${MAX_COMPLEXITY} (the complexity limit), or no anonymous operation of that size could ever run`,
    );
  }
  if (problems.length) throw new ConfigError(problems);

  return Object.freeze({
    env: s.NODE_ENV,
    secretKey: s.SECRET_KEY ?? devSecretKey(s.DATA_DIR),
    databaseUrl: s.DATABASE_URL,
    nucDatabaseUrl: s.NUC_DATABASE_URL,
    sentryDsn: s.SENTRY_DSN,
    s3: s.S3_BUCKET
      ? {
          bucket: s.S3_BUCKET,
          region: s.AWS_REGION,
          endpoint: s.S3_ENDPOINT,
          accessKeyId: s.AWS_ACCESS_KEY_ID,
          secretAccessKey: s.AWS_SECRET_ACCESS_KEY,
        }
      : undefined,
    bitly: s.BITLY_TOKEN ? { token: s.BITLY_TOKEN, apiUrl: s.BITLY_API_URL } : undefined,
    twilio:
      twilioSet === 3
        ? {
            accountSid: s.TWILIO_ACCOUNT_SID!,
            authToken: s.TWILIO_AUTH_TOKEN!,
            from: s.TWILIO_FROM!,
            apiUrl: s.TWILIO_API_URL,
          }
        : undefined,
    publicBaseUrl: s.PUBLIC_BASE_URL?.replace(/\/+$/, ''),
    port: s.PORT,
    // One per core where the server has the machine (production); one while developing and testing.
    apiProcesses: s.API_PROCESSES ?? (production ? availableParallelism() : 1),
    host: s.HOST,
    metrics: Object.freeze({ port: s.METRICS_PORT, host: s.METRICS_HOST }),
    timeZone: s.TZ,
    recall: Object.freeze({
      windowSize: s.RECALL_WINDOW_SIZE,
      windowMinutes: s.RECALL_WINDOW_MINUTES,
      intervalSeconds: s.RECALL_INTERVAL_SECONDS,
      disable: s.RECALL_DISABLE,
      noShowMinutes: s.NO_SHOW_MINUTES,
    }),
    passwords: Object.freeze({ admin: s.ADMIN_PASSWORD, tablet: s.TABLET_PASSWORD, vrGame: s.VR_GAME_PASSWORD }),
    logLevel: s.LOG_LEVEL,
    corsOrigins: s.CORS_ORIGINS.split(',')
      .map((o) => o.trim())
      .filter(Boolean),
    trustProxy: Object.freeze(trustProxy),
    limits: Object.freeze({
      maxDocumentBytes: s.MAX_DOCUMENT_BYTES,
      anonymousCostPerSecond: s.ANONYMOUS_COST_PER_SECOND,
      anonymousCostBurst: s.ANONYMOUS_COST_BURST,
      subscriptionsPerSocket: s.MAX_SUBSCRIPTIONS_PER_SOCKET,
      socketsPerAddress: s.MAX_SOCKETS_PER_ADDRESS,
    }),
    graphiql: s.GRAPHIQL,
    dataDir: path.resolve(s.DATA_DIR),
    phoneRegion: s.PHONE_REGION,
    release: s.GIT_SHA,
    jobs: Object.freeze({
      expireSeconds: s.JOB_EXPIRE_SECONDS,
      retryDelayMaxSeconds: s.JOB_RETRY_DELAY_MAX_SECONDS,
      monitorSeconds: s.JOB_MONITOR_SECONDS,
      deliveryMaxAgeMinutes: s.DELIVERY_MAX_AGE_MINUTES,
      renderThreads: s.RENDER_THREADS,
    }),
    lighting: Object.freeze({ disable: s.LIGHTING_DISABLE, dmxPath: s.DMX_PATH, artnet }),
    playerRetentionDays: s.PLAYER_RETENTION_DAYS,
  });
}

/** Art-Net's port unless the host names another (a node on a shared address, a test listener). */
const ARTNET_DEFAULT_PORT = 6454;

function artnetTarget(value: string, universe: number) {
  const [host, port] = value.split(':');
  return Object.freeze({ host: host!, port: port ? Number(port) : ARTNET_DEFAULT_PORT, universe });
}

/** Development only: a generated key kept with the data so tokens survive restarts. */
function devSecretKey(dataDir: string): string {
  const file = path.join(path.resolve(dataDir), 'secret_key');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(path.dirname(file), { recursive: true });
  const key = randomBytes(32).toString('base64url');
  writeFileSync(file, key, { mode: 0o600 });
  return key;
}

const NO_PUBLIC_URL =
  "required when NODE_ENV=production and Twilio is configured: texts would link to this server's own address (e.g. http://localhost:8000/…), which no phone can open";

/** What is allowed but probably wrong, said once at start (in production these are refused). */
export function configWarnings(config: Config): string[] {
  return config.twilio && !config.publicBaseUrl
    ? [`PUBLIC_BASE_URL is not set: texts will link to ${publicBaseUrl(config)}, which no phone can open`]
    : [];
}

/** How players' phones reach this server: PUBLIC_BASE_URL, else the address it listens on. */
export function publicBaseUrl(config: Config): string {
  if (config.publicBaseUrl) return config.publicBaseUrl;
  const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  return `http://${host}:${config.port}`;
}
