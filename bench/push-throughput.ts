/**
 * Push benchmark 1, delivery throughput: changes per second the relay delivers to a fast local
 * CRM receiver — one relay worker process (apps/worker/src/main.ts, WORKER_LANES=crm,
 * CRM_WEBHOOK_CONCURRENCY=20) draining a change log of COUNT changes to COUNT records — against
 * a bare loop of the same number of signed keep-alive POSTs, 20 at a time, from a process of
 * its own (bench/baseline/signed-post-loop.ts). Each side has a receiver process of its own
 * (bench/lib/crm-receiver-process.ts). Both sides run at the same time, measured over the
 * stretch in which both run (from both at 30 % to the first at 90 %: a worker runs for
 * months, and the first tens of thousands of requests of a process run code V8 has not yet
 * optimised, more of it in the relay's than in the loop's), so a slower moment of
 * this shared machine slows both. Figure: the median of the rounds' ratios. Target ≥ 0.8.
 *
 *   node bench/push-throughput.ts [rounds, default 3] [changes, default 60000]
 */
import { join } from 'node:path';
import { appendToChangeLog, type NodeProcess, REPO_ROOT, startNodeProcess } from '@relay/testkit';
import { Redis } from 'ioredis';
import { processCpuSeconds, redisCpuSeconds } from './lib/cpu.ts';
import { machineLine } from './lib/machine.ts';
import { benchChange } from './lib/push-changes.ts';
import { median, sleep, startBenchEnv, startRelayWorkers } from './lib/stack.ts';

const ROUNDS = Number(process.argv[2] ?? 3);
const COUNT = Number(process.argv[3] ?? 60_000);
/** Where the measured stretch starts: after both sides' warm-up. */
const WARM = 0.3;
const CONCURRENCY = 20;
const SECRET = `whsec_${Buffer.alloc(32, 11).toString('base64')}`;
const POLL_MS = 100;

const env = await startBenchEnv(['--rate-limit', '100000000']);

async function startReceiver(): Promise<{ process: NodeProcess<number>; url: string }> {
  const receiver = await startNodeProcess<number>({
    script: join(REPO_ROOT, 'bench/lib/crm-receiver-process.ts'),
    readyWhen: (_line, json) => (json?.event === 'ready' ? Number(json.port) : undefined),
  });
  return { process: receiver, url: `http://127.0.0.1:${receiver.ready}` };
}

async function okCount(url: string): Promise<number> {
  return ((await (await fetch(`${url}/__stats`)).json()) as { ok: number }).ok;
}

type Mark = { at: number; done: number };
function rateBetween(marks: Mark[], from: number, to: number): number {
  const at = (time: number) => {
    const after = Math.max(
      marks.findIndex((mark) => mark.at >= time),
      1,
    );
    const b = marks[after] as Mark;
    const a = marks[after - 1] as Mark;
    return a.done + ((b.done - a.done) * (time - a.at)) / (b.at - a.at || 1);
  };
  return (at(to) - at(from)) / ((to - from) / 1000);
}

type CpuMark = { at: number; worker: number; redis: number; bare: number };
type Round = {
  relay: number;
  bare: number;
  coldRatio: number;
  cpu: { worker: number; redis: number; bare: number };
};

async function runRound(round: number): Promise<Round> {
  const prefix = `{pt-${round}}`;
  const redis = new Redis(env.redis.url);
  for (let at = 0; at < COUNT; at += 1_000) {
    await Promise.all(
      Array.from({ length: Math.min(1_000, COUNT - at) }, (_, k) =>
        appendToChangeLog(redis, prefix, `${1_796_000_000_000 + at + k}-0`, benchChange(at + k)),
      ),
    );
  }
  await redis.set(`${prefix}:push:cursor`, '0-0'); // push from the log's start, not from now
  redis.disconnect();
  const [relayReceiver, bareReceiver] = await Promise.all([startReceiver(), startReceiver()]);
  if (!relayReceiver || !bareReceiver) throw new Error('no receiver');
  const [worker] = await startRelayWorkers(env, prefix, 1, {
    WORKER_LANES: 'crm',
    LOG_LEVEL: 'error',
    CRM_WEBHOOK_URL: `${relayReceiver.url}/hooks`,
    CRM_WEBHOOK_SECRET: SECRET,
    CRM_WEBHOOK_CONCURRENCY: String(CONCURRENCY),
  });
  const bare = await startNodeProcess<true>({
    script: join(REPO_ROOT, 'bench/baseline/signed-post-loop.ts'),
    env: {
      URL: `${bareReceiver.url}/hooks`,
      SECRET,
      CONCURRENCY: String(CONCURRENCY),
      COUNT: String(COUNT),
    },
    readyWhen: (_line, json) => (json?.event === 'ready' ? true : undefined),
  });
  const marks = { relay: [] as Mark[], bare: [] as Mark[] };
  const cpuAt = async () => ({
    worker: processCpuSeconds(worker?.child.pid),
    redis: await redisCpuSeconds(env.redis.url),
    bare: processCpuSeconds(bare.child.pid),
  });
  const cpuMarks: CpuMark[] = [];
  try {
    for (;;) {
      const [relayDone, bareDone] = await Promise.all([
        okCount(relayReceiver.url),
        okCount(bareReceiver.url),
      ]);
      const at = performance.now();
      marks.relay.push({ at, done: relayDone });
      marks.bare.push({ at, done: bareDone });
      cpuMarks.push({ at, ...(await cpuAt()) });
      if (relayDone >= COUNT && bareDone >= COUNT) break;
      await sleep(POLL_MS);
    }
  } finally {
    await Promise.all([
      worker?.stop(),
      bare.stop(),
      relayReceiver.process.stop(),
      bareReceiver.process.stop(),
    ]);
  }
  const reached = (list: Mark[], share: number) =>
    list.find((mark) => mark.done >= COUNT * share)?.at ?? Number.POSITIVE_INFINITY;
  const from = Math.max(reached(marks.relay, WARM), reached(marks.bare, WARM));
  const to = Math.min(reached(marks.relay, 0.9), reached(marks.bare, 0.9));
  if (!(to > from)) {
    const own = (list: Mark[]) => rateBetween(list, reached(list, WARM), reached(list, 0.9));
    console.log('no overlap; own rates:', own(marks.relay).toFixed(0), own(marks.bare).toFixed(0));
    throw new Error('the sides did not overlap');
  }
  // CPU µs per delivery over the same stretch (process CPU from /proc, Redis's from INFO),
  // between the polls nearest its ends.
  const nearest = (time: number) =>
    cpuMarks.reduce(
      (best, mark, index) =>
        Math.abs(mark.at - time) < Math.abs((cpuMarks[best] as CpuMark).at - time) ? index : best,
      0,
    );
  const [first, last] = [nearest(from), nearest(to)];
  const cpu = (field: 'worker' | 'redis' | 'bare') =>
    (cpuMarks[last] as CpuMark)[field] - (cpuMarks[first] as CpuMark)[field];
  const done = (list: Mark[]) => (list[last] as Mark).done - (list[first] as Mark).done || 1;
  // For comparison: the stretch from both at 10 %, warm-up included.
  const coldFrom = Math.max(reached(marks.relay, 0.1), reached(marks.bare, 0.1));
  return {
    relay: rateBetween(marks.relay, from, to),
    bare: rateBetween(marks.bare, from, to),
    coldRatio: rateBetween(marks.relay, coldFrom, to) / rateBetween(marks.bare, coldFrom, to),
    cpu: {
      worker: (cpu('worker') * 1e6) / done(marks.relay),
      redis: (cpu('redis') * 1e6) / done(marks.relay),
      bare: (cpu('bare') * 1e6) / done(marks.bare),
    },
  };
}

try {
  const ratios: number[] = [];
  const rates = { relay: [] as number[], bare: [] as number[] };
  for (let round = 1; round <= ROUNDS; round += 1) {
    const { relay, bare, coldRatio, cpu } = await runRound(round);
    ratios.push(relay / bare);
    rates.relay.push(relay);
    rates.bare.push(bare);
    console.log(
      `round ${round}: bare loop ${bare.toFixed(0)}/s, relay ${relay.toFixed(0)}/s, ratio ${(relay / bare).toFixed(2)} (from 10 %, warm-up included: ${coldRatio.toFixed(2)})`,
    );
    console.log(
      `  CPU µs per delivery: bare loop ${cpu.bare.toFixed(0)}; relay worker ${cpu.worker.toFixed(0)} + Redis ${cpu.redis.toFixed(0)}`,
    );
  }
  const ratio = median(ratios);
  console.log(
    `\npush throughput — ${COUNT} changes to ${COUNT} records per side and round, ${ROUNDS} rounds, concurrency ${CONCURRENCY}, both sides at once, a receiver process each`,
  );
  console.log(`machine: ${machineLine()}`);
  console.log(
    `baseline (bare loop of signed keep-alive POSTs): ${median(rates.bare).toFixed(0)}/s (median)`,
  );
  console.log(`relay (one worker process, crm lane): ${median(rates.relay).toFixed(0)}/s (median)`);
  console.log(
    `ratio relay ÷ bare (median of the rounds' ratios, rounds ${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}): ${ratio.toFixed(2)} (target ≥ 0.80) ${ratio >= 0.8 ? 'MET' : 'NOT MET'}`,
  );
} finally {
  await env.stop();
}
