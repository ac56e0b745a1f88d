/**
 * Benchmark 3, lane isolation: how long webhook-driven jobs wait while a 100,000-contact
 * backfill drains through the same rate budget (400 calls per 2 s window, 2 worker
 * processes). Webhook-lane jobs arrive at 10/s for 40 s; their wait is enqueue → done.
 * Baseline in the same run: one FIFO queue for both (the webhook jobs join the backfill's
 * queue). Target: p99 wait of webhook jobs ≤ one window.
 *
 *   node bench/lane-isolation.ts [backfill size, default 100000]
 */
import { type Lane, QueueNames } from '@relay/jobs';
import { Queue } from 'bullmq';
import { machineLine } from './lib/machine.ts';
import {
  connectProducer,
  percentile,
  sleep,
  startBenchEnv,
  startRelayWorkers,
} from './lib/stack.ts';

const BACKFILL = Number(process.argv[2] ?? 100_000);
const LIMIT = 400;
const WINDOW_MS = 2_000;
const FEED_MS = 40_000;
const FEED_EVERY_MS = 100;

const env = await startBenchEnv([
  '--rate-limit', String(LIMIT), '--window-ms', String(WINDOW_MS),
  '--workspace-rate-limit', '100000000', '--journal-limit', '1',
  '--latency-ms', '10', '--latency-max-ms', '80',
]); // biome-ignore format: flag/value pairs

async function run(name: string, webhookLane: Lane) {
  const prefix = `{lanes-${name}}`;
  const { producer, close } = await connectProducer(env.redis.url, prefix);
  const enqueueStarted = performance.now();
  for (let start = 0; start < BACKFILL; start += 1_000) {
    await producer.enqueueContactUpserts(
      Array.from({ length: Math.min(1_000, BACKFILL - start) }, (_, i) => ({
        external_id: `${name}-backfill-${start + i}`,
      })),
      'backfill',
    );
  }
  const enqueueSeconds = (performance.now() - enqueueStarted) / 1000;
  const workers = await startRelayWorkers(env, prefix, 2, {
    WORKER_CONCURRENCY: '20',
    INTERCOM_RATE_LIMIT_PER_10S: String(LIMIT),
    INTERCOM_RATE_LIMIT_WINDOW_MS: String(WINDOW_MS),
  });
  await sleep(3 * WINDOW_MS); // the backfill is in full flow
  const jobIds: string[] = [];
  const feedEnd = Date.now() + FEED_MS;
  for (let i = 0; Date.now() < feedEnd; i += 1) {
    const [result] = await producer.enqueueContactUpserts(
      [{ external_id: `${name}-webhook-${i}` }],
      webhookLane,
    );
    if (result?.ok) jobIds.push(result.jobId);
    await sleep(FEED_EVERY_MS);
  }
  await sleep(2 * WINDOW_MS); // the last webhook jobs may finish
  const queue = new Queue(QueueNames[webhookLane], { connection: { url: env.redis.url }, prefix });
  const waits: number[] = [];
  let notDone = 0;
  const measuredAt = Date.now();
  for (const id of jobIds) {
    const job = await queue.getJob(id);
    if (job?.finishedOn) {
      waits.push(job.finishedOn - job.timestamp);
    } else {
      notDone += 1; // still waiting: it has waited at least this long
      waits.push(measuredAt - (job?.timestamp ?? measuredAt));
    }
  }
  const backfill = new Queue(QueueNames.backfill, { connection: { url: env.redis.url }, prefix });
  const { completed = 0 } = await backfill.getJobCounts('completed');
  await Promise.all([queue.close(), backfill.close()]);
  await Promise.all(workers.map((worker) => worker.stop(10_000)));
  await close();
  return { jobs: jobIds.length, notDone, waits, backfillDone: completed, enqueueSeconds };
}

function line(name: string, result: Awaited<ReturnType<typeof run>>) {
  const p = (q: number) => `${(percentile(result.waits, q) / 1000).toFixed(2)} s`;
  const unfinished =
    result.notDone > 0 ? ` (${result.notDone} still waiting: their wait so far counted)` : '';
  return `${name.padEnd(30)} ${result.jobs} webhook jobs: p50 ${p(50)}, p99 ${p(99)}, max ${p(100)}${unfinished} | backfill jobs done meanwhile ${result.backfillDone}`;
}

try {
  const lanes = await run('lanes', 'webhook');
  await env.sim.control('POST', 'reset');
  const fifo = await run('fifo', 'backfill');
  console.log(
    `\nlane isolation — ${BACKFILL} backfill contacts queued (enqueued in ${lanes.enqueueSeconds.toFixed(1)} s), ${LIMIT} calls per ${WINDOW_MS / 1000} s window, 2 processes × 20; webhook jobs at ${1000 / FEED_EVERY_MS}/s for ${FEED_MS / 1000} s`,
  );
  console.log(`machine: ${machineLine()}`);
  console.log(line('baseline (one FIFO queue)', fifo));
  console.log(line('relay (lanes in one budget)', lanes));
  const p99 = percentile(lanes.waits, 99);
  console.log(
    `relay: p99 webhook wait ${(p99 / 1000).toFixed(2)} s (target ≤ one window, ${WINDOW_MS / 1000} s) ${lanes.notDone === 0 && p99 <= WINDOW_MS ? 'MET' : 'NOT MET'}`,
  );
} finally {
  await env.stop();
}
