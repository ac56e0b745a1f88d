import { E2E_CRM_TOKEN, useRelay, waitFor } from '@relay/testkit';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The relay as deployed: the ingress and a worker as processes, /admin over a real socket.
// The worker registers the reconciliation schedule as it does in production, so the
// backfill lane always holds the schedule's next run.
const ADMIN_TOKEN = 'admin-token-for-drain-tests';
const ingressLines: string[] = [];
const relay = useRelay({
  env: { ADMIN_TOKEN, RECONCILE_EVERY_MS: '3600000', SHUTDOWN_GRACE_MS: '2000' },
  onLine: (service, line) => {
    if (service === 'ingress') ingressLines.push(line);
  },
});
let backfill: Queue;

beforeAll(() => {
  backfill = new Queue('relay-backfill', {
    connection: { url: relay.redis.url },
    prefix: relay.redis.prefix,
  });
  backfill.on('error', () => {});
});

afterAll(async () => {
  await backfill?.close();
});

type Lane = { lane: string; counts: Record<string, number> };

function admin(path: string, body?: unknown) {
  return fetch(`${relay.stack.ingressUrl}/admin${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: {
      authorization: `Bearer ${ADMIN_TOKEN}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

async function backfillLane(): Promise<Lane> {
  const { queues } = (await (await admin('/queues')).json()) as { queues: Lane[] };
  return queues.find((lane) => lane.lane === 'backfill') as Lane;
}

async function pushToBackfill(prefix: string, count: number) {
  const contacts = Array.from({ length: count }, (_, i) => ({ external_id: `${prefix}-${i}` }));
  const response = await fetch(`${relay.stack.ingressUrl}/v1/contacts?lane=backfill`, {
    method: 'POST',
    headers: { authorization: `Bearer ${E2E_CRM_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ contacts }),
  });
  expect(response.status).toBe(202);
}

/** Log lines of the ingress's failed requests (the 5xx it logs with their cause). */
function failedRequests(): Record<string, unknown>[] {
  return ingressLines
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((line) => line.msg === 'request failed');
}

describe('POST /admin/queues/backfill/drain with the reconciliation schedule in the lane', () => {
  it('removes the jobs, answers what it removed, and leaves the schedule running', async () => {
    // The worker runs the first sweep at once; its next run then waits, delayed, in the lane.
    await waitFor(
      backfillLane,
      (lane) => lane.counts.delayed === 1 && lane.counts.active === 0,
      20_000,
    );
    const [scheduler] = await backfill.getJobSchedulers();
    expect(scheduler?.key).toBe('contacts-reconcile');

    expect((await admin('/queues/backfill/pause', {})).status).toBe(200);
    await pushToBackfill('drained', 5);

    const first = await admin('/queues/backfill/drain', { confirm: 'backfill', limit: 2 });
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({
      lane: 'backfill',
      removed: 2,
      remaining: 3,
      scheduled: 1,
    });
    const rest = await admin('/queues/backfill/drain', { confirm: 'backfill' });
    expect(rest.status).toBe(200);
    expect(await rest.json()).toEqual({ lane: 'backfill', removed: 3, remaining: 0, scheduled: 1 });

    expect((await backfillLane()).counts).toMatchObject({ waiting: 0, prioritized: 0, delayed: 1 });
    const after = await backfill.getJobScheduler('contacts-reconcile');
    expect(after?.next).toBe(scheduler?.next);
    expect(await backfill.getJobState(`repeat:contacts-reconcile:${after?.next}`)).toBe('delayed');
    expect((await admin('/queues/backfill/resume', {})).status).toBe(200);
  }, 40_000);

  it('answers 500 INTERNAL, not 503, when Redis answers but refuses the operation, and logs the cause', async () => {
    // A key of the wrong type: Redis is up and answers every command with WRONGTYPE.
    const client = new Redis(relay.redis.url);
    const key = `${relay.redis.prefix}:relay-backfill:prioritized`;
    await client.set(key, 'not a sorted set');
    try {
      const response = await admin('/queues/backfill/drain', { confirm: 'backfill' });
      expect(response.status).toBe(500);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('INTERNAL');
    } finally {
      await client.del(key);
      client.disconnect();
    }
    const logged = await waitFor(
      async () => failedRequests().map((line) => JSON.stringify(line.err)),
      (errors) => errors.some((err) => err.includes('WRONGTYPE')),
      5_000,
    );
    expect(logged.find((err) => err.includes('WRONGTYPE'))).toMatch(/internal error/);
  });

  it('answers 503 QUEUE_UNAVAILABLE when Redis is down, and logs the cause', async () => {
    await relay.redis.stop();
    const response = await admin('/queues/backfill/drain', { confirm: 'backfill' });
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('5');
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe(
      'QUEUE_UNAVAILABLE',
    );
    const logged = await waitFor(
      async () => failedRequests().map((line) => JSON.stringify(line.err)),
      (errors) => errors.some((err) => err.includes('QUEUE_UNAVAILABLE')),
      5_000,
    );
    expect(logged.filter((err) => err.includes('QUEUE_UNAVAILABLE'))).toHaveLength(1);
  }, 20_000);
});
