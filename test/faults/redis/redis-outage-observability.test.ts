import { setTimeout as sleep } from 'node:timers/promises';
import { SCRAPE_WAIT_MS } from '@relay/telemetry';
import { useRedis, waitFor } from '@relay/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RelayOnRedis, startRelayOnRedis } from './relay-on-redis.ts';

/**
 * With Redis hung or down, the ingress and a worker (real processes) still answer /metrics
 * at once, with the Redis-derived gauges' last values and their age, and each logs the
 * outage once, then once more when Redis is back, instead of a stack trace per reconnect.
 */

/** The worker's Redis state commands time out at a third of the job lock (runtime.ts). */
const JOB_LOCK_MS = 30_000;
const WORKER_REDIS_TIMEOUT_MS = JOB_LOCK_MS / 3;
/** The ingress's Redis calls give up after the producer's store timeout (producer.ts). */
const INGRESS_REDIS_TIMEOUT_MS = 3_000;
/** Long enough for a few reconnect attempts of every connection (ioredis: ≤ 2 s apart). */
const OUTAGE_MS = 10_000;

const redis = useRedis({ server: true });
let relay: RelayOnRedis;
const lines: { service: string; line: string; at: number }[] = [];

beforeAll(async () => {
  relay = await startRelayOnRedis({
    redisUrl: redis.url,
    env: { LOG_LEVEL: 'info', JOB_LOCK_MS: String(JOB_LOCK_MS) },
    onLine: (service, line) => lines.push({ service, line, at: Date.now() }),
  });
});
afterAll(async () => {
  await relay?.stop();
});

/** /metrics, timed; aborted (a failed test) once the process's own Redis timeout has passed. */
async function scrape(url: string, redisTimeoutMs: number) {
  const started = performance.now();
  const response = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(redisTimeoutMs) });
  const text = await response.text();
  return { status: response.status, text, ms: performance.now() - started };
}

function gauge(text: string, name: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.split(' ').at(-1));
}

const linesOf = (service: string, since: number) =>
  lines.filter((entry) => entry.service === service && entry.at >= since).map((e) => e.line);

describe('a Redis outage seen from the relay processes', () => {
  it('answers /metrics without waiting for Redis, with the last values and their age', async () => {
    const worker = relay.stack.workerMetricsUrls[0] ?? '';
    const ingress = relay.stack.ingressUrl;
    const healthy = await scrape(worker, WORKER_REDIS_TIMEOUT_MS);
    expect(gauge(healthy.text, 'intercom_budget_allowed_per_window')).toBeGreaterThan(0);
    expect((await scrape(ingress, INGRESS_REDIS_TIMEOUT_MS)).text).toMatch(/relay_queue_jobs\{/);

    redis.server.pause(); // hung: connections open, nothing answered
    try {
      await sleep(1_000);
      for (let i = 0; i < 2; i++) {
        const fromWorker = await scrape(worker, WORKER_REDIS_TIMEOUT_MS);
        expect(fromWorker.status).toBe(200);
        expect(fromWorker.ms).toBeLessThan(WORKER_REDIS_TIMEOUT_MS / 4);
        expect(gauge(fromWorker.text, 'intercom_budget_allowed_per_window')).toBeGreaterThan(0);
        expect(gauge(fromWorker.text, 'relay_redis_gauges_age_seconds')).toBeGreaterThan(
          SCRAPE_WAIT_MS / 1000,
        );

        const fromIngress = await scrape(ingress, INGRESS_REDIS_TIMEOUT_MS);
        expect(fromIngress.status).toBe(200);
        expect(fromIngress.ms).toBeLessThan(INGRESS_REDIS_TIMEOUT_MS / 2);
        expect(fromIngress.text).toMatch(/relay_queue_jobs\{queue="relay-sync",state="waiting"/);
        expect(gauge(fromIngress.text, 'relay_redis_gauges_age_seconds')).toBeGreaterThan(
          SCRAPE_WAIT_MS / 1000,
        );
      }
    } finally {
      redis.server.resume();
    }
  });

  it('logs a Redis that went away once per process, with the cause, then once when it is back', async () => {
    await sleep(2_000); // what the pause held is answered
    const start = Date.now();
    await redis.server.kill();
    await sleep(OUTAGE_MS);
    for (const service of ['worker-1', 'ingress']) {
      const during = linesOf(service, start);
      expect(during.length, `${service}:\n${during.join('\n')}`).toBeLessThanOrEqual(3);
      const down = during
        .map((line) => JSON.parse(line))
        .find((l) => l.msg === 'redis unreachable');
      expect(down, service).toMatchObject({ level: 'error', cause: { code: 'ECONNREFUSED' } });
      expect(down.cause.message).toContain('ECONNREFUSED');
    }

    const fromWorker = await scrape(
      relay.stack.workerMetricsUrls[0] ?? '',
      WORKER_REDIS_TIMEOUT_MS,
    );
    expect(fromWorker.ms).toBeLessThan(WORKER_REDIS_TIMEOUT_MS / 4);

    const restarted = Date.now();
    await redis.server.restart();
    for (const service of ['worker-1', 'ingress']) {
      const back = await waitFor(
        async () =>
          linesOf(service, restarted).find((line) => line.includes('"redis reachable again"')),
        (line) => line !== undefined,
        10_000,
      );
      expect(back, service).toBeDefined();
      expect(JSON.parse(back ?? '{}')).toMatchObject({ level: 'warn' });
      expect(JSON.parse(back ?? '{}').downForMs).toBeGreaterThanOrEqual(OUTAGE_MS);
    }
  });
});
