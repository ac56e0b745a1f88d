import { createEnvReader, type EnvSource, readRedisSettings, type Secret } from '@relay/config';
import { readIntercomSettings } from '@relay/intercom';
import {
  DEFAULT_PREFIX,
  JOB_RETENTION,
  type JobRetention,
  LANES,
  type Lane,
  QueueNames,
} from '@relay/jobs';
import { endpointUrlProblem, parseSigningSecrets } from '@relay/sync';

export type WorkerConfig = ReturnType<typeof loadConfig>;

/** The worker's whole configuration, validated at boot. Only this file reads process.env. */
export function loadConfig(source: EnvSource = process.env) {
  const env = createEnvReader(source);
  const config = {
    // Queues
    /**
     * REDIS_URL (one server), REDIS_SENTINELS + REDIS_SENTINEL_NAME (a primary behind
     * Sentinel) or REDIS_CLUSTER_NODES (a cluster's seeds), and QUEUE_PREFIX, the BullMQ key
     * prefix: its braces keep every key on one Redis Cluster shard.
     */
    ...readRedisSettings(env, { defaultPrefix: DEFAULT_PREFIX }),
    /** Jobs one process runs at once, per queue. Intercom calls are I/O: 10–50 is typical. */
    concurrency: env.int('WORKER_CONCURRENCY', { default: 10, min: 1, max: 1_000 }),
    /**
     * A running job's lock; a job whose worker died is picked up again about this long after
     * (BullMQ's stalled-job check runs at the same interval). Keep it well above event-loop stalls.
     */
    jobLockMs: env.int('JOB_LOCK_MS', { default: 30_000, min: 1_000 }),
    /**
     * REDIS_ACK_REPLICAS, as on the ingress: a run's write mark must be on that many replicas
     * before the Intercom write it guards (a mark a failover lost would let a re-run write
     * again), within REDIS_ACK_TIMEOUT_MS; else the run waits and retries.
     */
    ackReplicas: env.int('REDIS_ACK_REPLICAS', { default: 0, min: 0, max: 16 }),
    ackTimeoutMs: env.int('REDIS_ACK_TIMEOUT_MS', { default: 1_000, min: 10, max: 10_000 }),
    /**
     * The whole shutdown on SIGTERM: running jobs may finish until its last ~2 s (a quarter of
     * it when shorter), then what still runs is handed back to the queue for another worker.
     */
    shutdownGraceMs: env.int('SHUTDOWN_GRACE_MS', { default: 25_000, min: 0 }),
    /**
     * How long, and how many per queue, finished jobs are kept (BullMQ removes the rest as
     * jobs finish); from 80 % of Redis maxmemory the `underPressure` rules apply instead.
     */
    retention: readRetention(env),
    // Intercom: host, token, timeout, the shared rate budget, the circuit breaker
    intercom: readIntercomSettings(env, { tokenRequired: true }),
    /** How often the reconciliation sweep runs (contacts updated in Intercom); 0 turns it off. */
    reconcileEveryMs: env.int('RECONCILE_EVERY_MS', { default: 900_000, min: 0 }),
    /** How often the company sweep scrolls every company in Intercom; 0 turns it off. */
    reconcileCompaniesEveryMs: env.int('RECONCILE_COMPANIES_EVERY_MS', {
      default: 3_600_000,
      min: 0,
    }),
    /**
     * The change feed (Intercom → CRM) on or off. Off, nothing is recorded (no snapshots, no
     * change log: GET /v1/changes stays empty), for a CRM that does not read the feed.
     */
    feedEnabled: env.bool('FEED_ENABLED', { default: true }),
    /** How long the change feed keeps changes (and gone records' tombstones). */
    feedRetentionMs: env.int('FEED_RETENTION_MS', { default: 7 * 86_400_000, min: 1_000 }),
    /** Fields whose Intercom-side changes are conflicts, not changes (e.g. email,custom_attributes.plan). */
    feedCrmOwnedFields: env.list('FEED_CRM_OWNED_FIELDS', { default: [] }),
    /** Lanes (queues) this process drains; dedicate processes to lanes by listing fewer. */
    lanes: env.list('WORKER_LANES', { default: [...LANES] }),
    /** The change feed POSTed to the CRM (Standard Webhooks); unset, the CRM pulls it. */
    crmWebhook: readCrmWebhook(env),
    // Operations
    host: env.string('HOST', { default: '0.0.0.0' }),
    /** /metrics and /healthz of this worker; 0 picks a free port (printed in the log). */
    metricsPort: env.int('METRICS_PORT', { default: 9464, min: 0, max: 65_535 }),
    logLevel: env.logLevel(),
    nodeEnv: env.string('NODE_ENV', { default: 'production' }),
  };
  // The conversation sink gave way to the change feed: a setting of it would silently do nothing.
  for (const gone of ['CONVERSATION_SINK', 'CONVERSATION_SINK_URL', 'CONVERSATION_SINK_SECRET']) {
    if (env.string(gone, { default: '' }) !== '') {
      env.problem(
        `${gone} is no longer read: conversation notifications are on the change feed (GET /v1/changes); see docs/change-feed.md, "Moving from the conversation sink"`,
      );
    }
  }
  for (const lane of config.lanes) {
    if (!(lane in QueueNames)) {
      env.problem(`WORKER_LANES: unknown lane "${lane}" (lanes: ${LANES.join(', ')})`);
    }
  }
  env.finish();
  return {
    ...config,
    intercom: { ...config.intercom, accessToken: config.intercom.accessToken as Secret },
    lanes: config.lanes as Lane[],
  };
}

const DEFAULT_RETRY_SCHEDULE = '5s,5m,30m,2h,5h,10h,10h';
const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `5s,5m,2h` → milliseconds; a problem named for anything else. */
function parseDelays(env: ReturnType<typeof createEnvReader>, text: string): number[] {
  const delays: number[] = [];
  for (const part of text.split(',').map((item) => item.trim())) {
    const match = /^(\d+)(ms|s|m|h|d)$/.exec(part);
    if (!match) {
      env.problem(
        `CRM_WEBHOOK_RETRY_SCHEDULE: "${part}" is not a delay (a number and ms, s, m, h or d, e.g. ${DEFAULT_RETRY_SCHEDULE})`,
      );
      continue;
    }
    delays.push(Number(match[1]) * (UNIT_MS[match[2] as string] ?? 0));
  }
  return delays;
}

/** CRM_WEBHOOK_*: where and how the change feed is pushed; undefined when CRM_WEBHOOK_URL is unset. */
function readCrmWebhook(env: ReturnType<typeof createEnvReader>) {
  const url = env.string('CRM_WEBHOOK_URL', { default: '' });
  const secret = env.secret('CRM_WEBHOOK_SECRET');
  const allowHttp = env.bool('CRM_WEBHOOK_ALLOW_HTTP', { default: false });
  const schedule = env.string('CRM_WEBHOOK_RETRY_SCHEDULE', { default: DEFAULT_RETRY_SCHEDULE });
  /** Deliveries at once per worker process (different records; one record's go in order). */
  const concurrency = env.int('CRM_WEBHOOK_CONCURRENCY', { default: 20, min: 1, max: 1_000 });
  /** A delivery with no answer in this long is a failure. */
  const timeoutMs = env.int('CRM_WEBHOOK_TIMEOUT_MS', { default: 15_000, min: 100 });
  if (url === '') return undefined;
  const problem = endpointUrlProblem(url, allowHttp);
  if (problem) env.problem(problem);
  if (!secret) {
    env.problem('CRM_WEBHOOK_SECRET (or CRM_WEBHOOK_SECRET_FILE) is required with CRM_WEBHOOK_URL');
    return undefined;
  }
  try {
    parseSigningSecrets(secret.get());
  } catch (error) {
    env.problem((error as Error).message);
  }
  return { url, secret, retryScheduleMs: parseDelays(env, schedule), concurrency, timeoutMs };
}

/** JOB_KEEP_*: finished jobs kept, normally and under memory pressure (see JOB_RETENTION). */
function readRetention(env: ReturnType<typeof createEnvReader>): JobRetention {
  const defaults = JOB_RETENTION;
  const rule = (name: string, fallback: { ageMs: number; count: number }) => ({
    ageMs: env.int(`JOB_KEEP_${name}_MS`, { default: fallback.ageMs, min: 0 }),
    count: env.int(`JOB_KEEP_${name}_COUNT`, { default: fallback.count, min: 0 }),
  });
  return {
    completed: rule('COMPLETED', defaults.completed),
    failed: rule('FAILED', defaults.failed),
    underPressure: {
      completed: rule('COMPLETED_UNDER_PRESSURE', defaults.underPressure.completed),
      failedAgeMs: env.int('JOB_KEEP_FAILED_UNDER_PRESSURE_MS', {
        default: defaults.underPressure.failedAgeMs,
        min: 0,
      }),
    },
  };
}
