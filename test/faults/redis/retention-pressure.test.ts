import { JobNames, QueueNames } from '@relay/jobs';
import { DEFAULT_JOB_OPTIONS } from '@relay/jobs/queue';
import { E2E_CRM_TOKEN, useRedis, waitFor } from '@relay/testkit';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metricSum, startWorkerProcess, type WorkerProcess } from '../workers/worker-process.ts';
import { redisMemory } from './redis-memory.ts';
import { PREFIX, type RelayOnRedis, startRelayOnRedis } from './relay-on-redis.ts';

const MAXMEMORY_BYTES = 64 * 1024 * 1024;
const DAY_MS = 24 * 60 * 60 * 1_000;
/** Workers that keep finished jobs by the normal rules only (24 h, 200,000 per queue), even when Redis is full. */
const RETENTION_THAT_NEVER_YIELDS = {
  JOB_KEEP_COMPLETED_UNDER_PRESSURE_MS: String(DAY_MS),
  JOB_KEEP_COMPLETED_UNDER_PRESSURE_COUNT: '200000',
  JOB_KEEP_FAILED_UNDER_PRESSURE_MS: String(7 * DAY_MS),
};

const redis = useRedis({ server: { maxmemory: String(MAXMEMORY_BYTES) } }); // AOF on, noeviction
let relay: RelayOnRedis;
let admin: Redis;
let mem: ReturnType<typeof redisMemory>;
const workers: WorkerProcess[] = [];
const queues: Record<'sync' | 'webhook' | 'backfill', Queue> = {} as never;

beforeAll(async () => {
  admin = redis.client;
  mem = redisMemory(admin);
  relay = await startRelayOnRedis({ redisUrl: redis.url, workers: 0 }); // workers: below
  for (const lane of ['sync', 'webhook', 'backfill'] as const) {
    queues[lane] = new Queue(QueueNames[lane], { connection: relay.connection, prefix: PREFIX });
  }
}, 60_000);

afterAll(async () => {
  await Promise.all(workers.map((worker) => worker.process.stop(5_000)));
  await Promise.all(Object.values(queues).map((queue) => queue.close()));
  await relay?.stop();
});

/** Relay workers for the webhook and sync lanes; backfill has none, so its jobs stay waiting. */
async function startWorkers(count: number, env: Record<string, string> = {}) {
  const started = await Promise.all(
    Array.from({ length: count }, () =>
      startWorkerProcess({
        REDIS_URL: redis.url,
        QUEUE_PREFIX: PREFIX,
        INTERCOM_API_BASE_URL: relay.sim.url,
        INTERCOM_ACCESS_TOKEN: relay.sim.token,
        WORKER_LANES: 'erasure,webhook,sync',
        WORKER_CONCURRENCY: '20',
        SHUTDOWN_GRACE_MS: '3000',
        LOG_LEVEL: 'info',
        ...env,
      }),
    ),
  );
  workers.push(...started);
  return started;
}

async function ratio() {
  const { used, max } = await mem.memory();
  return used / max;
}

/** A CRM push: 202 with the accepted indexes, or 503 while Redis is full. */
async function pushContacts(contacts: { external_id: string; name: string }[]) {
  const response = await fetch(`${relay.stack.ingressUrl}/v1/contacts`, {
    method: 'POST',
    headers: { authorization: `Bearer ${E2E_CRM_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ contacts }),
  });
  const body = (await response.json()) as {
    accepted?: { index: number }[];
    error?: { code: string };
  };
  return {
    status: response.status,
    code: body.error?.code,
    accepted: (body.accepted ?? []).map((item) => item.index),
  };
}

const pushOne = (externalId: string) =>
  pushContacts([{ external_id: externalId, name: 'After the trim' }]);

/**
 * Completed jobs the count rule may keep beyond its count: those that finished in the same
 * millisecond as the last job within it (jobs of one push often do under load).
 */
async function tiesAtTheCount(queue: Queue, count: number): Promise<number> {
  const key = queue.keys.completed as string;
  const edge = await admin.zrevrange(key, count - 1, count - 1, 'WITHSCORES');
  const finishedAt = edge[1];
  if (finishedAt === undefined) return 0;
  return (await admin.zcount(key, finishedAt, finishedAt)) - 1;
}

async function ids(queue: Queue, state: 'completed' | 'failed' | 'wait' | 'delayed') {
  const key = state === 'wait' ? queue.keys.wait : queue.keys[state];
  const list =
    state === 'wait'
      ? await admin.lrange(key as string, 0, -1)
      : await admin.zrange(key as string, '0', '-1');
  return list.sort();
}

describe('retention under memory pressure (maxmemory, noeviction, real BullMQ)', () => {
  it('kept completed jobs fill Redis past 95 % and intake is refused; trimming them brings it back under the line and intake resumes; waiting, delayed and recent failed jobs stay; old dead letters go only while Redis stays full', async () => {
    // Before: workers whose retention never yields (as before this change).
    const [old] = await startWorkers(1, RETENTION_THAT_NEVER_YIELDS);

    // Dead letters: six jobs no processor knows, failed at once; three made two days old.
    await queues.sync.addBulk(
      Array.from({ length: 6 }, (_, i) => ({
        name: 'retention.unknown',
        data: {},
        opts: { ...DEFAULT_JOB_OPTIONS, jobId: `dead-${i}` },
      })),
    );
    await waitFor(
      () => queues.sync.getFailedCount(),
      (n) => n === 6,
      20_000,
    );
    const twoDaysAgo = Date.now() - 2 * DAY_MS;
    for (const id of ['dead-0', 'dead-1', 'dead-2']) {
      await admin.zadd(queues.sync.keys.failed as string, twoDaysAgo, id);
      await admin.hset(queues.sync.toKey(id), 'finishedOn', String(twoDaysAgo));
    }
    // Work that must survive any trim: waiting (a lane no worker drains) and delayed.
    await queues.backfill.addBulk(
      Array.from({ length: 50 }, (_, i) => ({
        name: JobNames.contactUpsert,
        data: { contact: { external_id: `kept-${i}`, name: 'Waiting' } },
        opts: { ...DEFAULT_JOB_OPTIONS, jobId: `waiting-${i}` },
      })),
    );
    await queues.sync.addBulk(
      Array.from({ length: 20 }, (_, i) => ({
        name: JobNames.contactUpsert,
        data: { contact: { external_id: `later-${i}`, name: 'Delayed' } },
        opts: { ...DEFAULT_JOB_OPTIONS, jobId: `delayed-${i}`, delay: DAY_MS },
      })),
    );
    const waitingBefore = await ids(queues.backfill, 'wait');
    const delayedBefore = await ids(queues.sync, 'delayed');
    const failedBefore = await ids(queues.sync, 'failed');
    expect(waitingBefore).toHaveLength(50);
    expect(delayedBefore).toHaveLength(20);

    // Fill: someone else's data to 60 %, then CRM pushes, each drained before the next (so
    // what fills Redis is completed jobs, not a backlog), until intake stays refused: two
    // refusals, a retention pass (6 s) apart, with nothing accepted in between.
    await mem.fillTo(0.6);
    const acknowledged = new Map<string, string>();
    let refusals = 0;
    let lastRefusal: Awaited<ReturnType<typeof pushContacts>> | undefined;
    for (let n = 0; refusals < 2 && n < 1_000; n++) {
      const contacts = Array.from({ length: refusals > 0 ? 10 : 100 }, (_, i) => ({
        external_id: `kept-${n}-${i}`,
        name: `Kept ${n}-${i}`,
      }));
      const answer = await pushContacts(contacts);
      if (answer.status === 202) {
        refusals = 0;
        for (const index of answer.accepted) {
          const contact = contacts[index];
          if (contact) acknowledged.set(contact.external_id, contact.name);
        }
      } else {
        refusals++;
        lastRefusal = answer;
      }
      await waitFor(relay.unfinishedJobs, (left) => left <= 70, 30_000, 20); // 70 kept back
      if (refusals === 1) await new Promise((resolve) => setTimeout(resolve, 6_000));
    }
    expect(refusals).toBe(2);
    expect(lastRefusal).toEqual({ status: 503, code: 'QUEUE_UNAVAILABLE', accepted: [] });
    expect(await relay.unfinishedJobs()).toBe(70); // 50 waiting + 20 delayed, kept back on purpose
    const completedKept = {
      sync: await queues.sync.getCompletedCount(),
      webhook: await queues.webhook.getCompletedCount(),
    };
    const full = await ratio();
    const oomWhileFilling = await mem.oomRefusals();
    expect(full).toBeGreaterThanOrEqual(0.94); // intake is refused from 0.95 (sampled)
    expect(oomWhileFilling).toBe(0); // the workers drained every push: Redis never refused them
    // The old rules never yield: nothing trimmed, all completed jobs still kept.
    expect(metricSum((await old?.metrics()) ?? '', 'relay_retention_trimmed_total')).toBe(0);

    // After: two workers with the default rules (completed: last 10 min, 1,000 per queue).
    await old?.process.stop(5_000);
    const started = Date.now();
    const fresh = await startWorkers(2);
    const accepted = await waitFor(
      () => pushOne(`after-${Date.now()}`),
      (answer) => answer.status === 202,
      60_000,
      500,
    );
    const resumedAfterMs = Date.now() - started;
    expect(accepted.status).toBe(202);
    const ratioAfter = await ratio();
    expect(ratioAfter).toBeLessThan(0.95);
    const trimmed = async (state: string) =>
      (await Promise.all(fresh.map((w) => w.metrics()))).reduce(
        (sum, text) => sum + metricSum(text, 'relay_retention_trimmed_total', { state }),
        0,
      );
    // A pass removes up to 10,000 per queue: the next ones finish the job.
    // At most the count, + the pushes since, + the jobs that finished in the same millisecond
    // as the last one within the count (a cut never splits them: a few kept too many).
    const keptAtMost = async (queue: Queue) => 1_000 + 5 + (await tiesAtTheCount(queue, 1_000));
    const completedAfter = await waitFor(
      async () => ({
        sync: await queues.sync.getCompletedCount(),
        syncAtMost: await keptAtMost(queues.sync),
        webhook: await queues.webhook.getCompletedCount(),
        webhookAtMost: await keptAtMost(queues.webhook),
      }),
      (counts) => counts.sync <= counts.syncAtMost && counts.webhook <= counts.webhookAtMost,
      30_000,
      500,
    );
    const counted = JSON.stringify(completedAfter);
    expect(completedAfter.sync, counted).toBeLessThanOrEqual(completedAfter.syncAtMost);
    expect(completedAfter.webhook, counted).toBeLessThanOrEqual(completedAfter.webhookAtMost);
    const trimmedCompleted = await trimmed('completed');
    expect(trimmedCompleted).toBeGreaterThanOrEqual(
      completedKept.sync + completedKept.webhook - completedAfter.sync - completedAfter.webhook,
    );
    // Nothing unfinished was touched; dead letters untouched while trimming completed jobs sufficed.
    expect(await ids(queues.backfill, 'wait')).toEqual(waitingBefore);
    expect(await ids(queues.sync, 'delayed')).toEqual(delayedBefore);
    expect(await ids(queues.sync, 'failed')).toEqual(failedBefore);
    expect(await trimmed('failed')).toBe(0);
    // Every contact acknowledged is at the simulator with its data (the one pushed since too).
    const synced = await waitFor(
      async () => {
        const { contacts } = await relay.sim.contacts();
        return new Map(contacts.map(({ contact }) => [contact.external_id, contact.name]));
      },
      (map) => map.size >= acknowledged.size + 1,
      20_000,
      250,
    );
    const contactsLost = [...acknowledged].filter(([id, name]) => synced.get(id) !== name);
    expect(contactsLost).toEqual([]);

    // Still full with nothing completed left to trim (someone else's data): dead letters older
    // than 24 h go, with a warning naming them; the recent ones stay.
    await mem.fillTo(0.96);
    const failedTrimmed = await waitFor(
      () => trimmed('failed'),
      (n) => n >= 3,
      30_000,
      500,
    );
    expect(failedTrimmed).toBe(3);
    expect(await ids(queues.sync, 'failed')).toEqual(['dead-3', 'dead-4', 'dead-5']);
    expect(await ids(queues.backfill, 'wait')).toEqual(waitingBefore);
    expect(await ids(queues.sync, 'delayed')).toEqual(delayedBefore);
    const warning = fresh
      .flatMap((w) => w.process.tail().split('\n'))
      .find((line) => line.includes('redis full: removed dead letters'));
    expect(warning).toBeDefined();
    expect(JSON.parse(warning as string).jobIds.sort()).toEqual(['dead-0', 'dead-1', 'dead-2']);
    const oom = await mem.oomRefusals();

    console.log(
      'retention under pressure:',
      JSON.stringify({
        contactsAcknowledged: acknowledged.size,
        contactsLost: contactsLost.length,
        completedKept,
        memoryRatioFull: Math.round(full * 1000) / 1000,
        resumedAfterMs,
        memoryRatioAfterTrim: Math.round(ratioAfter * 1000) / 1000,
        completedAfter,
        trimmedCompleted,
        deadLettersTrimmedWhenStillFull: failedTrimmed,
        oomRefusals: oom,
      }),
    );
  }, 240_000);
});
