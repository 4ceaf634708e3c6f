import envSchema from 'env-schema';
import { Type, type Static } from 'typebox';
import { StringEnum } from './shared/schemas.js';
import { parseTrustProxy } from './shared/trust-proxy.js';

// Every setting the process reads from its environment. Validated once at boot so a typo
// fails loudly with the variable's name instead of surfacing as odd behaviour later.
export const ConfigSchema = Type.Object({
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3000 }),
  HOST: Type.String({ minLength: 1, default: '127.0.0.1' }),
  DATABASE_URL: Type.Optional(Type.String({ pattern: '^postgres(ql)?://' })),
  DATA_DIR: Type.String({ minLength: 1, default: './data' }),
  // How long a start waits for another process to let go of DATA_DIR (a restart overlapping the
  // old process's graceful close, up to 10 s) before it gives up.
  DATA_DIR_LOCK_WAIT_SECONDS: Type.Integer({ minimum: 0, maximum: 3600, default: 15 }),
  REDIS_URL: Type.Optional(Type.String({ pattern: '^rediss?://' })),
  LOG_LEVEL: StringEnum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { default: 'info' }),
  PUBLIC_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
  // An operator setting for test instances; no API call can change it.
  RATE_LIMIT_MAX: Type.Integer({ minimum: 1, default: 60 }),
  // What every rate-limit key in Redis starts with, to tell them from other data kept there.
  RATE_LIMIT_PREFIX: Type.String({ maxLength: 64, pattern: '^[!-~]*$', default: 'ikm:' }),
  // Whose X-Forwarded-For to believe: false, true (anyone's), or proxies' addresses and CIDR ranges, comma-separated.
  TRUST_PROXY: Type.String({ minLength: 1, default: 'false' }),
  // The HTTP server's timeouts, in milliseconds; 0 turns one off (docs/running.md says why these defaults).
  REQUEST_TIMEOUT_MS: Type.Integer({ minimum: 0, maximum: 3_600_000, default: 30_000 }),
  HEADERS_TIMEOUT_MS: Type.Integer({ minimum: 0, maximum: 3_600_000, default: 10_000 }),
  // At least 1: Fastify reads 0 as "its default" (72 s), not as "none".
  KEEP_ALIVE_TIMEOUT_MS: Type.Integer({ minimum: 1, maximum: 3_600_000, default: 5_000 }),
  CONNECTION_TIMEOUT_MS: Type.Integer({ minimum: 0, maximum: 3_600_000, default: 120_000 }),
  // Turns the /_mirror control plane on (clock, outbox, snapshots, faults, sandboxes…); unset, those routes do not exist.
  MIRROR_ADMIN_TOKEN: Type.Optional(Type.String({ minLength: 16 })),
  // With the control plane on: how many sandboxes (X-Mirror-Sandbox) may exist at once.
  MIRROR_SANDBOX_LIMIT: Type.Integer({ minimum: 1, maximum: 1000, default: 16 }),
  // Loads this fixture at start, replacing the data (tokens printed); `demo` is the one there is.
  MIRROR_SEED: Type.Optional(StringEnum(['demo'])),
  // Puts /metrics behind this bearer token; unset, /metrics is open (bind to a private address).
  METRICS_TOKEN: Type.Optional(Type.String({ minLength: 16 })),
  // How often each instance runs the renewal job, in seconds; 0 runs it only when the clock is moved.
  RENEWAL_INTERVAL_SECONDS: Type.Integer({ minimum: 0, maximum: 86_400, default: 60 }),
  // How much memory the answers of reads kept for repeated reads may take, in MB; 0 keeps none.
  ANSWER_CACHE_MB: Type.Integer({ minimum: 0, maximum: 1024, default: 8 }),
});

export type Config = Static<typeof ConfigSchema>;

export class ConfigError extends Error {}

/** What the schema cannot say: settings that must agree, and TRUST_PROXY's forms. */
function checkSettings(config: Config): void {
  parseTrustProxy(config.TRUST_PROXY);
  // Node refuses to make a server whose headers may take longer than the whole request.
  if (config.REQUEST_TIMEOUT_MS > 0 && config.HEADERS_TIMEOUT_MS > config.REQUEST_TIMEOUT_MS) {
    throw new Error('HEADERS_TIMEOUT_MS must not exceed REQUEST_TIMEOUT_MS');
  }
}

/** Reads and validates the environment; throws ConfigError naming the bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  try {
    const config = envSchema<Config>({ schema: ConfigSchema, data: env, dotenv: false });
    checkSettings(config);
    return config;
  } catch (err) {
    throw new ConfigError(`invalid configuration: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/**
 * The address clients should use, for links in documents and printed messages. `boundPort`:
 * the port the server got when PORT is 0 (any free port).
 */
export function publicUrl(config: Config, boundPort?: number): string {
  const host = config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST;
  return config.PUBLIC_URL ?? `http://${host}:${config.PORT === 0 && boundPort ? boundPort : config.PORT}`;
}
