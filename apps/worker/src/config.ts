import { createEnvReader, type EnvSource, type Secret } from '@relay/config';
import { DEFAULT_PREFIX, type Lane, QueueNames } from '@relay/jobs';

export type WorkerConfig = ReturnType<typeof loadConfig>;

/** The worker's whole configuration, validated at boot. Only this file reads process.env. */
export function loadConfig(source: EnvSource = process.env) {
  const env = createEnvReader(source);
  const config = {
    // Queues
    redisUrl: env.url('REDIS_URL', {
      default: 'redis://127.0.0.1:6379',
      protocols: ['redis:', 'rediss:'],
    }),
    queuePrefix: env.string('QUEUE_PREFIX', { default: DEFAULT_PREFIX }),
    /** Jobs one process runs at once, per queue. Intercom calls are I/O: 10–50 is typical. */
    concurrency: env.int('WORKER_CONCURRENCY', { default: 10, min: 1, max: 1_000 }),
    /**
     * A running job's lock; a job whose worker died is picked up again about this long after
     * (BullMQ's stalled-job check runs at the same interval). Keep it well above event-loop stalls.
     */
    jobLockMs: env.int('JOB_LOCK_MS', { default: 30_000, min: 1_000 }),
    /** How long SIGTERM waits for running jobs before handing them back to the queue. */
    shutdownGraceMs: env.int('SHUTDOWN_GRACE_MS', { default: 25_000, min: 0 }),
    // Intercom
    intercomApiBaseUrl: env.url('INTERCOM_API_BASE_URL', { default: 'https://api.intercom.io' }),
    intercomApiVersion: env.string('INTERCOM_API_VERSION', { default: '2.14' }),
    intercomAccessToken: env.secret('INTERCOM_ACCESS_TOKEN', { required: true }) as Secret,
    /** Per-call timeout; the request is aborted when it passes (Intercom's own can be long). */
    intercomTimeoutMs: env.int('INTERCOM_TIMEOUT_MS', { default: 30_000, min: 100 }),
    // The rate budget, shared through Redis by every worker of the app
    /** Calls per window the app may make (Intercom: 10,000/min = 1,666 per 10 s window). */
    rateLimitPerWindow: env.int('INTERCOM_RATE_LIMIT_PER_10S', { default: 1_666, min: 1 }),
    /** Intercom's windows are 10 s; simulators may use shorter ones. */
    rateLimitWindowMs: env.int('INTERCOM_RATE_LIMIT_WINDOW_MS', { default: 10_000, min: 100 }),
    /** Share of each window left for other clients of the same app. */
    rateLimitHeadroomPercent: env.int('INTERCOM_RATE_LIMIT_HEADROOM_PERCENT', {
      default: 10,
      min: 0,
      max: 90,
    }),
    /** Names the budget; every worker of one Intercom app must agree. Default: from the token. */
    intercomAppId: env.string('INTERCOM_APP_ID', { default: '' }),
    /** Set when several apps of one workspace run relays, to share the workspace limit. */
    intercomWorkspaceId: env.string('INTERCOM_WORKSPACE_ID', { default: '' }),
    workspaceRateLimitPerWindow: env.int('INTERCOM_WORKSPACE_RATE_LIMIT_PER_10S', {
      default: 4_166,
      min: 1,
    }),
    /** How long the circuit stays open before a probe; doubles per failed probe up to 60 s. */
    circuitOpenMs: env.int('INTERCOM_CIRCUIT_OPEN_MS', { default: 5_000, min: 100 }),
    /** Where conversation.* notifications go: a Redis stream for consumers, or nowhere. */
    conversationSink: env.string('CONVERSATION_SINK', {
      default: 'stream',
      oneOf: ['stream', 'none'],
    }) as 'stream' | 'none',
    /** Lanes (queues) this process drains; dedicate processes to lanes by listing fewer. */
    lanes: env.list('WORKER_LANES', { default: ['erasure', 'webhook', 'sync', 'backfill'] }),
    // Operations
    host: env.string('HOST', { default: '0.0.0.0' }),
    /** /metrics and /healthz of this worker; 0 picks a free port (printed in the log). */
    metricsPort: env.int('METRICS_PORT', { default: 9464, min: 0, max: 65_535 }),
    logLevel: env.logLevel(),
    nodeEnv: env.string('NODE_ENV', { default: 'production' }),
  };
  for (const lane of config.lanes) {
    if (!(lane in QueueNames)) {
      env.problem(
        `WORKER_LANES: unknown lane "${lane}" (lanes: ${Object.keys(QueueNames).join(', ')})`,
      );
    }
  }
  env.finish();
  return { ...config, lanes: config.lanes as Lane[] };
}
