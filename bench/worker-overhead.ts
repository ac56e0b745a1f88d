/**
 * Benchmark 4, worker overhead: jobs/s through the relay's whole worker path (shared rate
 * budget, circuit breaker, contact state, per-contact lock, SDK, metrics) against the
 * simulator with no limit and no latency, vs. a bare BullMQ worker making the same HTTP call.
 * Same process count, concurrency, Redis and simulator; rounds alternate. Target ≥ 0.8.
 *
 *   node bench/worker-overhead.ts [jobs per round, default 8000] [rounds, default 3]
 *
 * BENCH_REDIS_STATS=1 also prints the Redis commands each variant sends per job.
 */
import { QueueNames } from '@relay/jobs';
import { Queue } from 'bullmq';
import {
  processCpuSeconds,
  redisCommandStats,
  redisCpuSeconds,
  resetRedisCommandStats,
} from './lib/cpu.ts';
import { machineLine } from './lib/machine.ts';
import {
  connectProducer,
  median,
  sleep,
  startBenchEnv,
  startBenchProcess,
  startRelayWorkers,
} from './lib/stack.ts';

const JOBS = Number(process.argv[2] ?? 8_000);
const ROUNDS = Number(process.argv[3] ?? 3);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 50);

const env = await startBenchEnv([
  '--rate-limit', '100000000', '--workspace-rate-limit', '100000000', '--journal-limit', '1',
]); // biome-ignore format: flag/value pairs

type CpuSample = { worker: number; redis: number; sim: number };

async function cpuNow(workerPid: number | undefined): Promise<CpuSample> {
  return {
    worker: processCpuSeconds(workerPid),
    redis: await redisCpuSeconds(env.redis.url),
    sim: processCpuSeconds(env.sim.process.child.pid),
  };
}

/**
 * Jobs/s from the first completion to the last, so process start-up is not counted, and the
 * CPU each process spent per job meanwhile (µs): where the cost is.
 */
async function drainRate(queue: Queue, total: number, workerPid: number | undefined) {
  let first = 0;
  let firstCount = 0;
  let cpuAtFirst: CpuSample | undefined;
  for (;;) {
    const { completed = 0, failed = 0 } = await queue.getJobCounts('completed', 'failed');
    if (failed > 0) throw new Error(`${failed} jobs failed`);
    if (completed > 0 && first === 0) {
      first = performance.now();
      firstCount = completed;
      cpuAtFirst = await cpuNow(workerPid);
      if (process.env.BENCH_REDIS_STATS) await resetRedisCommandStats(env.redis.url);
    }
    if (completed >= total) {
      const jobs = total - firstCount;
      const cpu = await cpuNow(workerPid);
      const perJob = (name: keyof CpuSample) =>
        Math.round(((cpu[name] - (cpuAtFirst?.[name] ?? 0)) / jobs) * 1e6);
      let cpuPerJob = `CPU µs/job: worker ${perJob('worker')}, redis ${perJob('redis')}, sim ${perJob('sim')}`;
      if (process.env.BENCH_REDIS_STATS) {
        const stats = await redisCommandStats(env.redis.url);
        const perJobStats = stats
          .filter((stat) => stat.calls / jobs >= 0.05)
          .sort((a, b) => b.usec - a.usec)
          .map(
            (stat) =>
              `${stat.command} ${(stat.calls / jobs).toFixed(2)}× ${(stat.usec / jobs).toFixed(0)} µs`,
          );
        cpuPerJob += `\n           redis per job: ${perJobStats.join(', ')}`;
      }
      return { rate: (jobs / (performance.now() - first)) * 1000, cpuPerJob };
    }
    await sleep(20);
  }
}

async function relayRound(round: number): Promise<number> {
  const prefix = `{relay-r${round}}`;
  const { producer, close } = await connectProducer(env.redis.url, prefix);
  const results = await producer.enqueueContactUpserts(
    Array.from({ length: JOBS }, (_, i) => ({ external_id: `relay-${round}-${i}` })),
  );
  const refused = results.find((result) => !result.ok);
  if (refused) throw new Error(`enqueue failed: ${JSON.stringify(refused)}`);
  await close();
  const queue = new Queue(QueueNames.sync, { connection: { url: env.redis.url }, prefix });
  const [worker] = await startRelayWorkers(env, prefix, 1, {
    WORKER_CONCURRENCY: String(CONCURRENCY),
    WORKER_LANES: 'sync',
    INTERCOM_RATE_LIMIT_PER_10S: '100000000',
    ...(process.env.BENCH_PROF
      ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${process.env.BENCH_PROF}` }
      : {}),
  });
  const { rate, cpuPerJob } = await drainRate(queue, JOBS, worker?.child.pid);
  console.log(`  relay    ${cpuPerJob}`);
  await worker?.stop(10_000);
  await queue.close();
  return rate;
}

async function bareRound(round: number, useSdk: boolean): Promise<number> {
  const prefix = `{bare-${useSdk ? 'sdk-' : ''}r${round}}`;
  const queue = new Queue('bare', { connection: { url: env.redis.url }, prefix });
  for (let start = 0; start < JOBS; start += 1_000) {
    await queue.addBulk(
      Array.from({ length: Math.min(1_000, JOBS - start) }, (_, i) => ({
        name: 'create',
        data: { external_id: `${prefix}-${start + i}` },
      })),
    );
  }
  const worker = await startBenchProcess('baseline/bare-worker.ts', {
    REDIS_URL: env.redis.url,
    QUEUE: 'bare',
    PREFIX: prefix,
    SIM_URL: env.sim.url,
    SIM_TOKEN: env.sim.token,
    CONCURRENCY: String(CONCURRENCY),
    USE_SDK: useSdk ? '1' : '0',
  });
  const { rate, cpuPerJob } = await drainRate(queue, JOBS, worker.child.pid);
  console.log(`  ${useSdk ? 'bare+SDK' : 'bare    '} ${cpuPerJob}`);
  await worker.stop(10_000);
  await queue.close();
  return rate;
}

try {
  const relay: number[] = [];
  const bare: number[] = [];
  const bareSdk: number[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    await env.sim.control('POST', 'reset');
    bare.push(await bareRound(round, false));
    await env.sim.control('POST', 'reset');
    bareSdk.push(await bareRound(round, true));
    await env.sim.control('POST', 'reset');
    relay.push(await relayRound(round));
    console.log(
      `round ${round + 1}: bare BullMQ ${bare.at(-1)?.toFixed(0)} jobs/s, bare + SDK ${bareSdk.at(-1)?.toFixed(0)} jobs/s, relay ${relay.at(-1)?.toFixed(0)} jobs/s`,
    );
  }
  const ratio = median(relay) / median(bare);
  console.log(
    `\nworker overhead — ${JOBS} jobs per round, ${ROUNDS} rounds, 1 process × concurrency ${CONCURRENCY}`,
  );
  console.log(`machine: ${machineLine()}`);
  console.log(`baseline (bare BullMQ worker + fetch): ${median(bare).toFixed(0)} jobs/s (median)`);
  console.log(
    `bare BullMQ worker + intercom-client:  ${median(bareSdk).toFixed(0)} jobs/s (median)`,
  );
  console.log(`relay worker (whole path):             ${median(relay).toFixed(0)} jobs/s (median)`);
  console.log(
    `ratio relay ÷ (bare + SDK): ${(median(relay) / median(bareSdk)).toFixed(2)} (the relay's own cost, SDK aside)`,
  );
  console.log(
    `ratio relay ÷ baseline: ${ratio.toFixed(2)} (target ≥ 0.80) ${ratio >= 0.8 ? 'MET' : 'NOT MET'}`,
  );
} finally {
  await env.stop();
}
