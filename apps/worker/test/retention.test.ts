import { Writable } from 'node:stream';
import type { JobRetention } from '@relay/jobs';
import { DEFAULT_JOB_OPTIONS } from '@relay/jobs/queue';
import type { MemoryReading } from '@relay/jobs/redis';
import { createLogger, createMetrics } from '@relay/telemetry';
import { useRedis, waitFor } from '@relay/testkit';
import { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createRetention } from '../src/retention.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const RULES: Pick<JobRetention, 'underPressure'> = {
  underPressure: { completed: { ageMs: 10 * MINUTE, count: 10 }, failedAgeMs: 24 * HOUR },
};

const used = useRedis();
let redis: Redis;
let run = 0;

beforeAll(() => {
  redis = used.client;
});

/** A queue of its own per test, with jobs in every state the rules must tell apart. */
async function seededQueue() {
  const prefix = `{ret${++run}}`;
  const queue = new Queue('relay-sync', { connection: redis, prefix });
  const now = Date.now();
  // 30 completed: 20 of them finished an hour ago, 10 within the minute (then 20 more below).
  await queue.addBulk(
    Array.from({ length: 50 }, (_, i) => ({
      name: 'ok',
      data: { i },
      opts: { ...DEFAULT_JOB_OPTIONS, jobId: `done-${i}` },
    })),
  );
  await queue.addBulk(
    Array.from({ length: 4 }, (_, i) => ({
      name: 'fail',
      data: { i },
      opts: { ...DEFAULT_JOB_OPTIONS, attempts: 1, jobId: `dead-${i}` },
    })),
  );
  const workerConnection = redis.duplicate({ maxRetriesPerRequest: null });
  const worker = new Worker(
    'relay-sync',
    async (job) => {
      if (job.name === 'fail') throw new Error('refused by Intercom');
      return 'ok';
    },
    { connection: workerConnection, prefix, concurrency: 20 },
  );
  await waitFor(
    () => queue.getJobCounts('completed', 'failed'),
    (c) => c.completed === 50 && c.failed === 4,
    15_000,
    50,
  );
  await worker.close();
  workerConnection.disconnect();
  // Finish times made exact: done-0…19 an hour ago, done-20…49 one second apart up to now.
  for (let i = 0; i < 50; i++) {
    await setFinishedOn(
      queue,
      'completed',
      `done-${i}`,
      i < 20 ? now - HOUR + i : now - 50_000 + i * 1_000,
    );
  }
  // Dead letters: two from two days ago, two from an hour ago.
  for (let i = 0; i < 4; i++) {
    await setFinishedOn(queue, 'failed', `dead-${i}`, i < 2 ? now - 48 * HOUR : now - HOUR);
  }
  // Work that is not finished: never touched.
  await queue.pause();
  await queue.addBulk([
    ...Array.from({ length: 5 }, (_, i) => ({
      name: 'ok',
      data: {},
      opts: { ...DEFAULT_JOB_OPTIONS, jobId: `wait-${i}` },
    })),
    ...Array.from({ length: 3 }, (_, i) => ({
      name: 'ok',
      data: {},
      opts: { ...DEFAULT_JOB_OPTIONS, jobId: `later-${i}`, delay: HOUR },
    })),
    { name: 'ok', data: {}, opts: { ...DEFAULT_JOB_OPTIONS, jobId: 'urgent', priority: 1 } },
  ]);
  return { queue, prefix };
}

async function setFinishedOn(queue: Queue, state: 'completed' | 'failed', id: string, at: number) {
  await redis.zadd(queue.keys[state] as string, at, id);
  await redis.hset(queue.toKey(id), 'finishedOn', String(at));
}

async function ids(queue: Queue, state: 'completed' | 'failed') {
  return (await redis.zrange(queue.keys[state] as string, '0', '-1')).sort();
}

function harness(
  prefix: string,
  queue: Queue,
  ratio: () => number,
  maxPerPass?: number,
  keepFailedIn?: string[],
) {
  const logs: Record<string, unknown>[] = [];
  const logger = createLogger({
    service: 'retention-test',
    destination: new Writable({
      write(chunk, _encoding, done) {
        logs.push(JSON.parse(String(chunk)));
        done();
      },
    }),
  });
  const metrics = createMetrics({ service: 'retention-test', defaultMetrics: false });
  const retention = createRetention({
    queues: [queue],
    redis,
    prefix,
    retention: RULES,
    readMemory: async (): Promise<MemoryReading> => ({
      usedBytes: Math.round(ratio() * 1_000),
      maxBytes: 1_000,
    }),
    metrics,
    logger,
    ...(maxPerPass === undefined ? {} : { maxPerPass }),
    ...(keepFailedIn === undefined ? {} : { keepFailedIn }),
  });
  const trimmed = async (state: string) =>
    (await metrics.retentionTrimmed.get()).values
      .filter((v) => v.labels.state === state)
      .reduce((sum, v) => sum + v.value, 0);
  return { retention, logs, trimmed };
}

const unfinished = (queue: Queue) => queue.getJobCounts('wait', 'delayed', 'prioritized');

describe('retention under memory pressure', () => {
  let queue: Queue;
  let prefix: string;
  beforeEach(async () => {
    ({ queue, prefix } = await seededQueue());
  });

  it('does nothing below 80 % of maxmemory', async () => {
    const { retention, trimmed } = harness(prefix, queue, () => 0.79);
    expect(await retention.runOnce()).toBeUndefined();
    expect((await ids(queue, 'completed')).length).toBe(50);
    expect(await trimmed('completed')).toBe(0);
    await queue.close();
  });

  it('from 80 %: keeps only the newest completed jobs within the age and count, oldest removed first; dead letters and unfinished work stay', async () => {
    const before = await unfinished(queue);
    const { retention, logs, trimmed } = harness(prefix, queue, () => 0.85);
    const pass = await retention.runOnce();
    expect(pass?.completed).toEqual({ 'relay-sync': 40 });
    expect(pass?.failed).toEqual({});
    // The ten newest (done-40…49) by count; done-0…19 were an hour old anyway.
    expect(await ids(queue, 'completed')).toEqual(
      Array.from({ length: 10 }, (_, i) => `done-${40 + i}`).sort(),
    );
    expect((await ids(queue, 'failed')).length).toBe(4);
    expect(await unfinished(queue)).toEqual(before);
    expect(before).toMatchObject({ wait: 5, delayed: 3, prioritized: 1 }); // paused queue: in wait
    expect(await trimmed('completed')).toBe(40);
    expect(
      logs.find((l) => l.msg === 'redis filling: trimmed completed jobs kept for retention'),
    ).toMatchObject({ trimmed: { 'relay-sync': 40 }, keptPerQueue: 10 });
    await queue.close();
  });

  it('never trims a job within the count when the last one kept and the first beyond finished in the same millisecond', async () => {
    // done-40 is the tenth newest (the count), done-39 the eleventh: give them one finish time.
    const score = Number(await redis.zscore(queue.keys.completed as string, 'done-40'));
    await setFinishedOn(queue, 'completed', 'done-39', score);
    const { retention } = harness(prefix, queue, () => 0.85);
    await retention.runOnce();
    const kept = await ids(queue, 'completed');
    for (let i = 40; i < 50; i += 1) expect(kept).toContain(`done-${i}`);
    expect(kept).toEqual(
      [...Array.from({ length: 10 }, (_, i) => `done-${40 + i}`), 'done-39'].sort(),
    );
    await queue.close();
  });

  it('keeps them too when the clock ticks between its cut and the one clean() reads', async () => {
    // As above, and every read of the clock is a millisecond later than the one before: the
    // cut retention computes and the Date.now() BullMQ's clean() reads a moment later differ
    // (a CI run lost 3 of the 10 newest that way).
    const score = Number(await redis.zscore(queue.keys.completed as string, 'done-40'));
    await setFinishedOn(queue, 'completed', 'done-39', score);
    const { retention } = harness(prefix, queue, () => 0.85);
    let clock = Date.now();
    const ticking = vi.spyOn(Date, 'now').mockImplementation(() => ++clock);
    try {
      await retention.runOnce();
    } finally {
      ticking.mockRestore();
    }
    const kept = await ids(queue, 'completed');
    for (let i = 40; i < 50; i += 1) expect(kept).toContain(`done-${i}`);
    await queue.close();
  });

  it('from 95 %, once no completed job is left to trim: removes dead letters older than the under-pressure age, names them in a warning', async () => {
    const before = await unfinished(queue);
    const { retention, logs, trimmed } = harness(prefix, queue, () => 0.96);
    const pass = await retention.runOnce();
    expect(pass?.failed).toEqual({ 'relay-sync': 2 });
    expect(await ids(queue, 'failed')).toEqual(['dead-2', 'dead-3']); // from an hour ago: kept
    expect(await unfinished(queue)).toEqual(before);
    expect(await trimmed('failed')).toBe(2);
    const warning = logs.find((l) => String(l.msg).startsWith('redis full: removed dead letters'));
    expect(warning).toMatchObject({ trimmed: { 'relay-sync': 2 }, olderThanMs: 24 * HOUR });
    expect([...((warning?.jobIds as string[] | undefined) ?? [])].sort()).toEqual([
      'dead-0',
      'dead-1',
    ]);
    await queue.close();
  });

  it('never trims the dead letters of a queue kept whole (the erasure lane)', async () => {
    const { retention, trimmed } = harness(prefix, queue, () => 0.96, undefined, ['relay-sync']);
    expect(await retention.runOnce()).toMatchObject({
      completed: { 'relay-sync': 40 },
      failed: {},
    });
    expect((await ids(queue, 'failed')).length).toBe(4);
    expect(await trimmed('failed')).toBe(0);
    await queue.close();
  });

  it('bounds a pass: completed jobs left over keep the dead letters safe until the next pass', async () => {
    const { retention, trimmed } = harness(prefix, queue, () => 0.96, 15);
    const first = await retention.runOnce();
    expect(first).toMatchObject({ completed: { 'relay-sync': 15 }, failed: {}, cutShort: true });
    expect(await trimmed('failed')).toBe(0);
    await redis.del(`${prefix}:retention:lock`); // the next interval
    expect(await retention.runOnce()).toMatchObject({ completed: { 'relay-sync': 15 } });
    await redis.del(`${prefix}:retention:lock`);
    // 10 left to go: within the bound, so this pass reaches the dead letters too.
    expect(await retention.runOnce()).toMatchObject({
      completed: { 'relay-sync': 10 },
      failed: { 'relay-sync': 2 },
      cutShort: false,
    });
    await queue.close();
  });

  it('finishes a trim it had to cut short, even once Redis is back under 80 %', async () => {
    let ratio = 0.85;
    const { retention } = harness(prefix, queue, () => ratio, 15);
    expect(await retention.runOnce()).toMatchObject({ cutShort: true });
    ratio = 0.5; // the first pass freed enough
    for (const removed of [15, 10]) {
      await redis.del(`${prefix}:retention:lock`); // the next interval
      expect(await retention.runOnce()).toMatchObject({ completed: { 'relay-sync': removed } });
    }
    await redis.del(`${prefix}:retention:lock`);
    expect(await retention.runOnce()).toBeUndefined(); // done: below 80 % nothing more to do
    expect(await queue.getCompletedCount()).toBe(RULES.underPressure.completed.count);
    expect(await ids(queue, 'failed')).toHaveLength(4); // dead letters only go at 95 %
    await queue.close();
  });

  it('runs one pass per interval for all workers together (a Redis lock)', async () => {
    const a = harness(prefix, queue, () => 0.85);
    const b = harness(prefix, queue, () => 0.85);
    const [first, second] = await Promise.all([a.retention.runOnce(), b.retention.runOnce()]);
    expect([first, second].filter(Boolean)).toHaveLength(1);
    // The lock outlives the pass until the interval (5 s) is over.
    expect(await b.retention.runOnce()).toBeUndefined();
    expect(await redis.pttl(`${prefix}:retention:lock`)).toBeGreaterThan(0);
    await queue.close();
  });
});
