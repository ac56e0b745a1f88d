/**
 * Benchmark 1, budget use: 4 worker processes against the simulator with a small window
 * budget (200 calls per 2 s window, epoch-aligned like Intercom's; answers take 20–200 ms)
 * for 30 windows.
 * Figures: calls Intercom accepted ÷ calls the windows allowed, and 429s ÷ calls.
 * Baseline in the same run: BullMQ's static limiter at the nominal limit plus the SDK's own
 * retries, also 4 processes. Its limiter windows start with the first job, so how they fall
 * against Intercom's decides how it fares: it runs three times, started at 0, ⅓ and ⅔ of a
 * window, for a third of the windows each. Targets: ≥ 0.95 of the budget used, ≤ 0.1 % of calls answered 429.
 * The relay runs with 0 % headroom here so both use Intercom's whole limit.
 *
 *   node bench/budget-use.ts [windows, default 30]
 */
import { QueueNames } from '@relay/jobs';
import type { NodeProcess } from '@relay/testkit';
import { Queue } from 'bullmq';
import { machineLine } from './lib/machine.ts';
import {
  connectProducer,
  sleep,
  startBenchEnv,
  startBenchProcess,
  startRelayWorkers,
} from './lib/stack.ts';

const WINDOWS = Number(process.argv[2] ?? 30);
const LIMIT = 200;
const WINDOW_MS = 2_000;
const PROCESSES = 4;
const CONCURRENCY = 10;
const JOBS = Math.ceil(LIMIT * (WINDOWS + 6) * 1.2);

const env = await startBenchEnv([
  '--rate-limit', String(LIMIT), '--window-ms', String(WINDOW_MS),
  '--workspace-rate-limit', '100000000', '--journal-limit', '1',
  '--latency-ms', '20', '--latency-max-ms', '200',
]); // biome-ignore format: flag/value pairs

/** Counts what the simulator answered over whole windows, from one boundary to another. */
async function measureWindows(
  windows: number,
): Promise<{ accepted: number; rateLimited: number; total: number }> {
  const nextBoundary = Math.ceil(Date.now() / WINDOW_MS) * WINDOW_MS;
  await sleep(nextBoundary + WINDOW_MS - Date.now()); // skip the first, partly used window
  const before = await env.sim.stats();
  await sleep(windows * WINDOW_MS);
  const after = await env.sim.stats();
  const total = after.total - before.total;
  const rateLimited = after.rateLimited - before.rateLimited;
  return { accepted: total - rateLimited, rateLimited, total };
}

async function relayRun() {
  const prefix = '{budget-relay}';
  const { producer, close } = await connectProducer(env.redis.url, prefix);
  for (let start = 0; start < JOBS; start += 1_000) {
    await producer.enqueueContactUpserts(
      Array.from({ length: Math.min(1_000, JOBS - start) }, (_, i) => ({
        external_id: `relay-${start + i}`,
      })),
    );
  }
  await close();
  const workers = await startRelayWorkers(env, prefix, PROCESSES, {
    WORKER_CONCURRENCY: String(CONCURRENCY),
    WORKER_LANES: 'sync',
    INTERCOM_RATE_LIMIT_PER_10S: String(LIMIT),
    INTERCOM_RATE_LIMIT_WINDOW_MS: String(WINDOW_MS),
    INTERCOM_RATE_LIMIT_HEADROOM_PERCENT: '0',
  });
  return finish(workers, QueueNames.sync, prefix, WINDOWS);
}

/** Waits until `fraction` of the way into the next window. */
async function startAtPhase(fraction: number) {
  const nextBoundary = Math.ceil(Date.now() / WINDOW_MS) * WINDOW_MS;
  await sleep(nextBoundary + fraction * WINDOW_MS - Date.now());
}

async function baselineRun(phase: number) {
  const prefix = `{budget-baseline-${phase}}`;
  const queue = new Queue('baseline', { connection: { url: env.redis.url }, prefix });
  for (let start = 0; start < JOBS; start += 1_000) {
    await queue.addBulk(
      Array.from({ length: Math.min(1_000, JOBS - start) }, (_, i) => ({
        name: 'create',
        data: { external_id: `baseline-${start + i}` },
      })),
    );
  }
  await queue.close();
  await startAtPhase(phase / 3);
  const workers = await Promise.all(
    Array.from({ length: PROCESSES }, () =>
      startBenchProcess('baseline/static-limiter-worker.ts', {
        REDIS_URL: env.redis.url,
        QUEUE: 'baseline',
        PREFIX: prefix,
        SIM_URL: env.sim.url,
        SIM_TOKEN: env.sim.token,
        CONCURRENCY: String(CONCURRENCY),
        LIMIT: String(LIMIT),
        WINDOW_MS: String(WINDOW_MS),
      }),
    ),
  );
  return finish(workers, 'baseline', prefix, Math.ceil(WINDOWS / 3));
}

async function finish(
  workers: NodeProcess<unknown>[],
  queueName: string,
  prefix: string,
  windows: number,
) {
  const measured = await measureWindows(windows);
  await Promise.all(workers.map((worker) => worker.stop(10_000)));
  const queue = new Queue(queueName, { connection: { url: env.redis.url }, prefix });
  const { waiting = 0, prioritized = 0 } = await queue.getJobCounts('waiting', 'prioritized');
  await queue.close();
  if (waiting + prioritized === 0) throw new Error('the backlog ran out: raise JOBS');
  const allowed = LIMIT * windows;
  return {
    ...measured,
    allowed,
    use: measured.accepted / allowed,
    rate429: measured.total === 0 ? 0 : measured.rateLimited / measured.total,
  };
}

function line(name: string, run: Awaited<ReturnType<typeof relayRun>>) {
  return `${name.padEnd(34)} ${String(run.accepted).padStart(6)} of ${run.allowed} allowed → use ${run.use.toFixed(3)} | ${run.rateLimited} × 429 of ${run.total} calls → ${(run.rate429 * 100).toFixed(2)} %`;
}

try {
  const baselines = [];
  for (const phase of [0, 1, 2]) {
    await env.sim.control('POST', 'reset');
    baselines.push(await baselineRun(phase));
  }
  await env.sim.control('POST', 'reset');
  const relay = await relayRun();
  const baseline = {
    accepted: baselines.reduce((sum, run) => sum + run.accepted, 0),
    rateLimited: baselines.reduce((sum, run) => sum + run.rateLimited, 0),
    total: baselines.reduce((sum, run) => sum + run.total, 0),
    allowed: baselines.reduce((sum, run) => sum + run.allowed, 0),
  };
  console.log(
    `\nbudget use — ${PROCESSES} processes × concurrency ${CONCURRENCY}, ${LIMIT} calls per ${WINDOW_MS / 1000} s window, ${WINDOWS} windows measured`,
  );
  console.log(`machine: ${machineLine()}`);
  baselines.forEach((run, phase) => {
    console.log(line(`baseline, started at ${phase}/3 window`, run));
  });
  console.log(
    line('baseline (static limiter + SDK)', {
      ...baseline,
      use: baseline.accepted / baseline.allowed,
      rate429: baseline.rateLimited / baseline.total,
    }),
  );
  console.log(line('relay (shared budget)', relay));
  const met = relay.use >= 0.95 && relay.rate429 <= 0.001;
  console.log(
    `relay: use ${relay.use.toFixed(3)} (target ≥ 0.95), 429 share ${(relay.rate429 * 100).toFixed(2)} % (target ≤ 0.1 %) ${met ? 'MET' : 'NOT MET'}`,
  );
} finally {
  await env.stop();
}
