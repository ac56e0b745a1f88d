import { appendFileSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { QueueNames } from '@relay/jobs';
import { createProducer, type EnqueueItemResult } from '@relay/jobs/queue';
import { createProducerConnection, waitUntilReady } from '@relay/jobs/redis';
import { type SimContacts, useRedis, useSimulator, waitFor } from '@relay/testkit';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { faultSeed, seededRandom } from './seeded-random.ts';
import { startWorkerProcess, type WorkerProcess } from './worker-process.ts';

/**
 * Worker processes SIGKILLed at random points of a run while the others keep working, each
 * restarted at once. A killed worker's jobs come back when their lock expires and run again,
 * some after their call reached Intercom: the simulator must still see each effect once.
 * 10,000 jobs in every run of the suite, CI's included (3.5–5.5 min on 2 cores): the rare
 * interleavings (a kill between a write and its record, then a hold) need many re-runs to
 * show, and a 10,000-job run makes 180–380 of them where 2,000 jobs made ~20.
 */
const TOTAL = 10_000;
const WORKERS = 3;
const EVENT_OWNERS = 50;
const EVENTS = Math.round(TOTAL * 0.2);
const CONTACTS = TOTAL - EVENTS;
// The rate budget is not under test here: high limits keep it out of the way. Latency keeps
// calls in flight when a kill comes and paces the run: 45 calls at a time, 100–400 ms each, at
// most ~180 jobs/s on any machine, so 10,000 jobs outlast dozens of kills.
const HIGH_LIMIT = '1000000';
const CONCURRENCY = '15';
// Bounds for a run that does not finish, not a speed target: on a loaded shared machine
// replacements start slowly and a run can take several times its usual ~4 minutes.
const TEST_TIMEOUT_MS = 1_600_000;

const redis = useRedis();
const sim = useSimulator([
  '--rate-limit', HIGH_LIMIT, '--workspace-rate-limit', HIGH_LIMIT,
  '--latency-ms', '100', '--latency-max-ms', '400', '--journal-limit', String(TOTAL * 3),
]); // biome-ignore format: flag/value pairs
let connection: Redis;
let producer: ReturnType<typeof createProducer>;
let syncQueue: Queue;
/** Worker slots; a killed worker's slot is empty until its replacement is ready. */
const live: (WorkerProcess | undefined)[] = [];

beforeAll(async () => {
  connection = createProducerConnection(redis.url);
  await waitUntilReady(connection);
  producer = createProducer({ connection, prefix: redis.prefix });
  syncQueue = new Queue(QueueNames.sync, { connection, prefix: redis.prefix });
}, 30_000);

afterAll(async () => {
  await Promise.all(live.map((worker) => worker?.process.stop(10_000)));
  await syncQueue?.close();
  await producer?.close();
  connection?.disconnect();
});

const workerEnv = () => ({
  REDIS_URL: redis.url,
  QUEUE_PREFIX: redis.prefix,
  INTERCOM_API_BASE_URL: sim.url,
  INTERCOM_ACCESS_TOKEN: sim.token,
  INTERCOM_RATE_LIMIT_PER_10S: HIGH_LIMIT,
  WORKER_CONCURRENCY: CONCURRENCY,
  // A killed worker's jobs come back after the lock: short, so the run does not wait long.
  JOB_LOCK_MS: '3000',
});

/** For a failure's message: the calls Intercom saw for these contacts, in order. */
async function callsFor(entries: SimContacts['contacts']): Promise<string> {
  const journal = await sim.journal();
  return entries
    .map(({ contact }) => {
      const calls = journal.filter(
        (call) =>
          call.path.includes(contact.id) ||
          (call.body as { external_id?: string } | null)?.external_id === contact.external_id,
      );
      const lines = calls.map((call) => `  ${call.at} ${call.method} ${call.path} ${call.status}`);
      return `${contact.external_id} (${contact.id}):\n${lines.join('\n')}`;
    })
    .join('\n');
}

function expectAllStored(results: EnqueueItemResult[]) {
  expect(results.filter((result) => !result.ok)).toEqual([]);
}

describe('worker processes SIGKILLed at random points of a run', () => {
  it(`completes all ${TOTAL} jobs and applies each effect once`, {
    timeout: TEST_TIMEOUT_MS,
  }, async () => {
    const seed = faultSeed();
    const random = seededRandom(seed);
    // The contacts the events belong to exist before the run (an event needs its contact).
    await Promise.all(
      Array.from({ length: EVENT_OWNERS }, (_, i) =>
        sim.api('POST', '/contacts', { external_id: `owner-${i}`, role: 'user' }),
      ),
    );
    const contacts = Array.from({ length: CONTACTS }, (_, i) => ({
      external_id: `kill-${i}`,
      name: `Contact ${i}`,
    }));
    const base = 1_760_000_000;
    const events = Array.from({ length: EVENTS }, (_, i) => ({
      event_name: `ordered-${i % 7}`,
      external_id: `owner-${i % EVENT_OWNERS}`,
      created_at: base + i,
    }));
    const jobIds = new Map<string, string>(); // external_id → its job, for a failure's message
    for (let i = 0; i < CONTACTS; i += 1_000) {
      const batch = contacts.slice(i, i + 1_000);
      const results = await producer.enqueueContactUpserts(batch);
      expectAllStored(results);
      results.forEach((result, j) => {
        if (result.ok) jobIds.set(batch[j]?.external_id as string, result.jobId);
      });
    }
    expectAllStored(await producer.enqueueEvents(events));

    const started = Date.now();
    live.push(
      ...(await Promise.all(
        Array.from({ length: WORKERS }, () => startWorkerProcess(workerEnv())),
      )),
    );
    const restarts: Promise<void>[] = [];
    const kills: { atMs: number; completed: number; active: number }[] = [];
    // Every 2–3.5 s a running worker dies; it is restarted at once (start-up takes seconds, so
    // at times two are down together). The schedule is the fault, not a wait for a condition,
    // with one exception: a kill waits until the workers have completed a round of jobs (their
    // concurrency) since the last. On a machine slowed by other work, kills every few seconds
    // otherwise catch the same re-run jobs again and again until BullMQ fails them for
    // stalling too often (MAX_STALLED_RUNS): the machine's speed, not the relay, would decide.
    const round = WORKERS * Number(CONCURRENCY);
    let doneAtLastKill = -round;
    const deadline = started + 900_000;
    for (;;) {
      await sleep(2_000 + random() * 1_500);
      const now = await syncQueue.getJobCounts('completed', 'active', 'failed');
      const done = now.completed ?? 0;
      const active = now.active ?? 0;
      if (done >= TOTAL || (now.failed ?? 0) > 0 || Date.now() > deadline) break;
      const up = live.flatMap((worker, index) => (worker ? [index] : []));
      if (up.length === 0 || done - doneAtLastKill < round) continue;
      const victim = up[Math.floor(random() * up.length)] as number;
      const log = process.env.RELAY_FAULT_LOG;
      if (log) appendFileSync(log, `${live[victim]?.url} SIGKILL at ${Date.now()}\n`);
      await live[victim]?.process.kill('SIGKILL');
      live[victim] = undefined;
      kills.push({ atMs: Date.now() - started, completed: done, active });
      doneAtLastKill = done;
      restarts.push(
        // A replacement slow to start (a loaded machine) is not the fault under test.
        startWorkerProcess(workerEnv(), { readyTimeoutMs: 60_000 }).then((worker) => {
          live[victim] = worker;
        }),
      );
    }
    await Promise.all(restarts);
    const counts = await waitFor(
      () => syncQueue.getJobCounts('completed', 'failed', 'active', 'waiting', 'delayed'),
      (c) => c.completed === TOTAL || (c.failed ?? 0) > 0,
      600_000,
    );
    const elapsedMs = Date.now() - started;
    for (const job of await syncQueue.getFailed(0, 9)) {
      // "stalled more than allowable limit": its workers were killed more times than a job may
      // be (MAX_STALLED_RUNS), which a machine too slow for the kill schedule can cause.
      console.info(
        `sigkill: failed job ${job.id}: started ${job.attemptsStarted}, made ${job.attemptsMade}, ` +
          `stalled ${job.stalledCounter}: ${job.failedReason}`,
      );
    }

    const simContacts = await sim.contacts();
    const simEvents = await sim.events();
    const stats = await sim.stats();
    const synced = simContacts.contacts.filter((entry) =>
      entry.contact.external_id?.startsWith('kill-'),
    );
    const writtenTwice = synced.filter((entry) => entry.writes !== 1);
    const eventKeys = new Set(
      simEvents.events.map((e) => `${e.user_id} ${e.event_name} ${e.created_at}`),
    );
    console.info(
      `sigkill: seed ${seed}, ${TOTAL} jobs (${CONTACTS} contacts, ${EVENTS} events), ` +
        `${WORKERS} workers, ${kills.length} kills (s: done/active) ${kills
          .map((kill) => `${(kill.atMs / 1000).toFixed(1)}: ${kill.completed}/${kill.active}`)
          .join(', ')}; ${elapsedMs} ms; re-runs seen by Intercom: ` +
        `${stats.calls['POST /contacts']?.['409'] ?? 0} creates answered 409, ` +
        `${simEvents.duplicates} duplicate events; contacts written more than once: ${writtenTwice.length}`,
    );

    if (writtenTwice.length > 0) {
      console.info(await callsFor(writtenTwice));
      for (const { contact } of writtenTwice) {
        const job = await syncQueue.getJob(jobIds.get(contact.external_id as string) ?? '');
        console.info(
          `${contact.external_id}: job ${job?.id} started ${job?.attemptsStarted}, made ` +
            `${job?.attemptsMade}, stalled ${job?.stalledCounter}, processed ${job?.processedOn}, ` +
            `finished ${job?.finishedOn}, result ${JSON.stringify(job?.returnvalue)}`,
        );
      }
      // With RELAY_FAULT_LOG (the workers' log file, see worker-process.ts), the whole
      // journal goes next to it.
      const log = process.env.RELAY_FAULT_LOG;
      if (log) {
        writeFileSync(`${log}.journal.json`, JSON.stringify(await sim.control('GET', 'journal')));
      }
    }
    expect(counts).toMatchObject({ completed: TOTAL, failed: 0, active: 0 });
    expect(kills.length).toBeGreaterThanOrEqual(3);
    expect(kills.filter((kill) => kill.active > 0).length).toBeGreaterThanOrEqual(2); // mid-run
    expect(synced).toHaveLength(CONTACTS); // no contact missing, none created twice
    expect(writtenTwice.map((entry) => entry.contact.external_id)).toEqual([]);
    const byExternalId = new Map(synced.map((entry) => [entry.contact.external_id, entry]));
    for (const contact of contacts) {
      expect(byExternalId.get(contact.external_id)?.contact.name).toBe(contact.name);
    }
    expect(stats.calls['POST /contacts']?.['200']).toBe(CONTACTS + EVENT_OWNERS);
    expect(simEvents.events).toHaveLength(EVENTS); // each event stored once
    expect(eventKeys.size).toBe(EVENTS);
  });
});
