/**
 * Redis memory: bytes per queued contact job (the job, its deduplication key and the
 * contact's sync state) and per completed job kept (retention: 24 h or 200,000 jobs per
 * queue), measured with 100,000 jobs against the simulator. With --soak-minutes N it then
 * pushes updates to a fixed pool of contacts at a steady 250 jobs/s for N minutes and
 * samples used_memory every 30 s: memory must plateau (the last samples within 5 % of each
 * other). The soak's workers keep completed jobs 3 minutes (JOB_KEEP_COMPLETED_MS, printed):
 * with the default 24 h only the count (200,000 per queue) could trim within the soak, so the
 * age rule binds (250/s × 180 s = 45,000 kept) and the first 100,000 age out.
 *
 *   node bench/redis-memory.ts [jobs, default 100000] [--soak-minutes N]
 */
import { parseArgs } from 'node:util';
import { QueueNames } from '@relay/jobs';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { machineLine } from './lib/machine.ts';
import { connectProducer, sleep, startBenchEnv, startRelayWorkers } from './lib/stack.ts';

const { values, positionals } = parseArgs({
  options: { 'soak-minutes': { type: 'string' } },
  allowPositionals: true,
});
const JOBS = Number(positionals[0] ?? 100_000);
const SOAK_MINUTES = Number(values['soak-minutes'] ?? 0);
const PREFIX = '{relay-mem}';
/** The soak: 1,000 updates every 4 s (250 jobs/s: two workers keep up on a busy machine). */
const SOAK_BATCH = 1_000;
const SOAK_EVERY_MS = 4_000;
/** Completed jobs kept 3 minutes, so the age rule binds within the soak. */
const SOAK_RETENTION = { JOB_KEEP_COMPLETED_MS: '180000' };

const env = await startBenchEnv([
  '--rate-limit', '100000000', '--workspace-rate-limit', '100000000', '--journal-limit', '1',
]); // biome-ignore format: flag/value pairs
const admin = new Redis(env.redis.url);

async function usedMemory(): Promise<number> {
  const info = await admin.info('memory');
  return Number(/^used_memory:(\d+)/m.exec(info)?.[1] ?? 0);
}

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

/** Items the producer refused (QUEUE_UNAVAILABLE: its 3 s store deadline) and pushed again. */
let pushedAgain = 0;

/**
 * Pushes in batches of 1,000. With `retry`, refused items are pushed again a second later,
 * as the CRM would after a 503 (on a loaded machine a batch can miss the store deadline);
 * without, a refusal ends the run.
 */
async function push(
  producer: Awaited<ReturnType<typeof connectProducer>>['producer'],
  ids: string[],
  { retry = false } = {},
) {
  for (let start = 0; start < ids.length; start += 1_000) {
    let pending = ids.slice(start, start + 1_000);
    for (let attempt = 1; pending.length > 0; attempt++) {
      const results = await producer.enqueueContactUpserts(
        pending.map((id) => ({
          external_id: id,
          email: `${id}@example.com`,
          name: 'Memory Bench',
        })),
      );
      const refused = results.find((result) => !result.ok);
      if (refused && (!retry || attempt >= 10)) {
        throw new Error(`enqueue refused: ${JSON.stringify(refused)}`);
      }
      pending = pending.filter((_, i) => !results[i]?.ok);
      pushedAgain += pending.length;
      if (pending.length > 0) await sleep(1_000);
    }
  }
}

try {
  const { producer, close } = await connectProducer(env.redis.url, PREFIX);
  const queue = new Queue(QueueNames.sync, { connection: { url: env.redis.url }, prefix: PREFIX });
  const before = await usedMemory();
  await push(
    producer,
    Array.from({ length: JOBS }, (_, i) => `mem-${i}`),
  );
  const queued = await usedMemory();
  const perQueued = (queued - before) / JOBS;

  const workerSettings = {
    WORKER_CONCURRENCY: '50',
    WORKER_LANES: 'sync',
    INTERCOM_RATE_LIMIT_PER_10S: '100000000',
  };
  let workers = await startRelayWorkers(env, PREFIX, 2, workerSettings);
  for (;;) {
    const { completed = 0, failed = 0 } = await queue.getJobCounts('completed', 'failed');
    if (failed > 0) throw new Error(`${failed} jobs failed`);
    if (completed >= JOBS) break;
    await sleep(500);
  }
  const done = await usedMemory();
  const perCompleted = (done - before) / JOBS;

  console.log(`\nredis memory — ${JOBS} contact jobs, 2 workers`);
  console.log(`machine: ${machineLine()}`);
  console.log(
    `empty: ${mib(before)}; ${JOBS} queued: ${mib(queued)}; all completed and kept: ${mib(done)}`,
  );
  console.log(
    `per queued job (job, dedup key, contact state): ${perQueued.toFixed(0)} bytes; per completed job kept (job, contact state, id map): ${perCompleted.toFixed(0)} bytes`,
  );

  if (SOAK_MINUTES > 0) {
    // The soak's workers: the same, keeping completed jobs as long as SOAK_RETENTION says.
    await Promise.all(workers.map((worker) => worker.stop(15_000)));
    workers = await startRelayWorkers(env, PREFIX, 2, { ...workerSettings, ...SOAK_RETENTION });
    const retention = Object.entries(SOAK_RETENTION).map(([name, value]) => `${name}=${value}`);
    console.log(
      `soak: ${SOAK_BATCH} updates every ${SOAK_EVERY_MS / 1000} s to a pool of 20000 contacts; workers with ${retention.join(' ')} (count: the default, 200000 per queue)`,
    );
    const pool = 20_000;
    const samples: number[] = [];
    const endAt = Date.now() + SOAK_MINUTES * 60_000;
    let round = 0;
    let nextSample = Date.now();
    let nextPush = Date.now();
    while (Date.now() < endAt) {
      round += 1;
      // Updates to a fixed pool: new jobs every time, a bounded number of contacts.
      const ids = Array.from(
        { length: SOAK_BATCH },
        (_, i) => `soak-${(round * SOAK_BATCH + i) % pool}`,
      );
      await push(producer, ids, { retry: true });
      if (Date.now() >= nextSample) {
        const { waiting = 0, completed = 0 } = await queue.getJobCounts('waiting', 'completed');
        samples.push(await usedMemory());
        console.log(
          `soak ${((SOAK_MINUTES * 60_000 - (endAt - Date.now())) / 60_000).toFixed(1)} min: ${mib(samples.at(-1) ?? 0)} (waiting ${waiting}, completed kept ${completed})`,
        );
        nextSample += 30_000;
      }
      // A steady pace (not a pause after each push): the kept count is rate × age.
      nextPush += SOAK_EVERY_MS;
      await sleep(Math.max(nextPush - Date.now(), 0));
    }
    if (pushedAgain > 0) {
      console.log(`soak: ${pushedAgain} items refused (store deadline, 503) and pushed again`);
    }
    const last = samples.slice(-3);
    const spread =
      last.length > 0 ? (Math.max(...last) - Math.min(...last)) / Math.max(...last) : 1;
    console.log(
      `soak: last three samples within ${(spread * 100).toFixed(1)} % of each other (plateau: ≤ 5 %) ${spread <= 0.05 ? 'MET' : 'NOT MET'}`,
    );
  }
  await Promise.all(workers.map((worker) => worker.stop(15_000)));
  await queue.close();
  await close();
} finally {
  admin.disconnect();
  await env.stop();
}
