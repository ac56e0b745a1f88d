import {
  createEnvReader,
  type EnvSource,
  readRedisSettings,
  readTlsFiles,
  type Secret,
} from '@relay/config';
import { readIntercomSettings } from '@relay/intercom';
import { DEFAULT_PREFIX } from '@relay/jobs';

export type IngressConfig = ReturnType<typeof loadConfig>;

/** The ingress's whole configuration, validated at boot. Only this file reads process.env. */
export function loadConfig(source: EnvSource = process.env) {
  const env = createEnvReader(source);
  const config = {
    // Listening
    host: env.string('HOST', { default: '0.0.0.0' }),
    port: env.int('PORT', { default: 3000, min: 0, max: 65_535 }),
    /**
     * TLS_CERT_FILE and TLS_KEY_FILE (PEM): HTTPS on PORT and ADMIN_PORT, the files re-read
     * when they change. Unset: plain HTTP, for TLS ended at a load balancer or proxy.
     */
    tls: readTlsFiles(env),
    // Queues
    /**
     * REDIS_URL (one server), REDIS_SENTINELS + REDIS_SENTINEL_NAME (a primary behind
     * Sentinel) or REDIS_CLUSTER_NODES (a cluster's seeds), and QUEUE_PREFIX, the BullMQ key
     * prefix: its braces keep every key on one Redis Cluster shard.
     */
    ...readRedisSettings(env, { defaultPrefix: DEFAULT_PREFIX }),
    /**
     * Replicas that must hold a job before it is acknowledged (Redis WAIT, once per batch of
     * stores): 0 acknowledges what the primary holds, which a failover can lose. Without
     * that many confirmations within REDIS_ACK_TIMEOUT_MS the answer is 503 with Retry-After.
     */
    ackReplicas: env.int('REDIS_ACK_REPLICAS', { default: 0, min: 0, max: 16 }),
    ackTimeoutMs: env.int('REDIS_ACK_TIMEOUT_MS', { default: 1_000, min: 10, max: 2_500 }),
    // Callers
    /**
     * Intercom's app client secret: webhooks are signed with it (HMAC-SHA1). During a rotation
     * give the new and the old one, comma-separated: a webhook signed with either is accepted.
     */
    intercomClientSecret: env.secret('INTERCOM_CLIENT_SECRET', { required: true }) as Secret,
    /** Bearer tokens the CRM may use on /v1 (comma-separated; several allow rotation). */
    crmApiTokens: env.secret('CRM_API_TOKENS', { required: true }) as Secret,
    /** Bearer token (or Basic password) for /admin; unset, there is no /admin at all. */
    adminToken: env.secret('ADMIN_TOKEN'),
    /** A listener of its own for /admin, which PORT then lacks, so it can stay internal. */
    adminPort: source.ADMIN_PORT?.trim()
      ? env.int('ADMIN_PORT', { min: 0, max: 65_535 })
      : undefined,
    adminHost: env.string('ADMIN_HOST', { default: '127.0.0.1' }),
    /**
     * Requests per CRM token per minute and per second on /v1, counted in Redis across every
     * ingress process; over it the answer is 429 with Retry-After; 0 turns a limit off. A
     * guard against a runaway client, generous on purpose: a batch carries up to 1,000 items.
     */
    crmRateLimitPerMinute: env.int('CRM_RATE_LIMIT_PER_MINUTE', { default: 6_000, min: 0 }),
    crmRateLimitPerSecond: env.int('CRM_RATE_LIMIT_PER_SECOND', { default: 0, min: 0 }),
    // Intercom (optional here): for /readyz and the read-through GET /v1/contacts/:externalId,
    // through the same rate budget as the workers
    intercom: readIntercomSettings(env, { tokenRequired: false }),
    /**
     * How long a cached contact is served by GET /v1/contacts/:externalId without asking
     * Intercom. Longer spares the rate budget and serves older data; 0 reads through every
     * time. At most the day a copy is kept (the stale copy served during an outage).
     */
    contactCacheFreshMs: env.int('CONTACT_CACHE_FRESH_MS', {
      default: 300_000,
      min: 0,
      max: 86_400_000,
    }),
    /**
     * How long the change feed keeps changes. The workers trim the log by their own value; the
     * ingress only reports this one (GET /admin/feed/status): give both the same.
     */
    feedRetentionMs: env.int('FEED_RETENTION_MS', { default: 7 * 86_400_000, min: 1_000 }),
    // Operations
    /** Intercom's public status page (Statuspage.io JSON), polled into a metric; '' turns it off. */
    intercomStatusUrl: env.url('INTERCOM_STATUS_URL', {
      default: 'https://www.intercomstatus.com/api/v2/status.json',
      protocols: ['http:', 'https:'],
      emptyTurnsOff: true,
    }),
    intercomStatusPollMs: env.int('INTERCOM_STATUS_POLL_MS', { default: 60_000, min: 1_000 }),
    logLevel: env.logLevel(),
    nodeEnv: env.string('NODE_ENV', { default: 'production' }),
  };
  if (config.adminPort !== undefined && !config.adminToken) {
    env.problem('ADMIN_PORT is set without ADMIN_TOKEN: the admin listener would serve nothing');
  }
  if (config.adminPort && config.adminPort === config.port) {
    env.problem('ADMIN_PORT must differ from PORT: /admin would not be kept off the public port');
  }
  env.finish();
  return config;
}

/** The CRM tokens currently configured (re-read from the file when it changes). */
export function crmTokens(config: Pick<IngressConfig, 'crmApiTokens'>): string[] {
  return splitList(config.crmApiTokens.get());
}

function splitList(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/** The webhook secrets accepted now: one, or two during a rotation. */
export function webhookSecrets(config: Pick<IngressConfig, 'intercomClientSecret'>): string[] {
  return splitList(config.intercomClientSecret.get());
}
