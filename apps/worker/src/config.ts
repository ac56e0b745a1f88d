import { createEnvReader, type EnvSource, type Secret } from '@relay/config';
import { DEFAULT_PREFIX } from '@relay/jobs';

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
    /** How long SIGTERM waits for running jobs before handing them back to the queue. */
    shutdownGraceMs: env.int('SHUTDOWN_GRACE_MS', { default: 25_000, min: 0 }),
    // Intercom
    intercomApiBaseUrl: env.url('INTERCOM_API_BASE_URL', { default: 'https://api.intercom.io' }),
    intercomApiVersion: env.string('INTERCOM_API_VERSION', { default: '2.14' }),
    intercomAccessToken: env.secret('INTERCOM_ACCESS_TOKEN', { required: true }) as Secret,
    /** Per-call timeout; the request is aborted when it passes (Intercom's own can be long). */
    intercomTimeoutMs: env.int('INTERCOM_TIMEOUT_MS', { default: 30_000, min: 100 }),
    // Operations
    host: env.string('HOST', { default: '0.0.0.0' }),
    /** /metrics and /healthz of this worker; 0 picks a free port (printed in the log). */
    metricsPort: env.int('METRICS_PORT', { default: 9464, min: 0, max: 65_535 }),
    logLevel: env.logLevel(),
    nodeEnv: env.string('NODE_ENV', { default: 'production' }),
  };
  env.finish();
  return config;
}
