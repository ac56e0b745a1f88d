/**
 * Ingress load: signed Intercom webhooks through the real ingress (signature check, schema
 * validation, duplicate check, metrics, logs at info) vs. a bare Fastify route that only
 * does `queue.add`, same machine, each on an empty Redis of its own; autocannon at 50
 * connections, each request a new notification with its own signature. In each round both
 * servers run, and take turns under load in 2 s slices, in two placements: `isolated` (each
 * server and its Redis on one core, autocannon on another) and `shared` (no pinning). The
 * ratio of a placement is the median of the rounds' ratios.
 * Targets: throughput ≥ 1.0× the bare route, ack P99 ≤ 25 ms (judged in the isolated
 * placement: the load generator stands for Intercom, which takes no CPU from the relay).
 *
 *   node bench/ingress-load.ts [measured seconds per side, placement and round, default 10] [rounds, default 5]
 * BENCH_PROF=DIR writes a CPU profile of each ingress run there (and of the baseline in DIR/bare).
 */
import { join } from 'node:path';
import { freePort, REPO_ROOT, startNodeProcess, startRedisServer } from '@relay/testkit';
import { redisPid } from './lib/cpu.ts';
import { machineLine } from './lib/machine.ts';
import { canIsolate, type Placement, place } from './lib/placement.ts';
import { median, startBenchProcess } from './lib/stack.ts';
import {
  CONNECTIONS,
  cpuLine,
  emptyTally,
  fire,
  medianCpu,
  type RoundResult,
  resultOf,
  SECRET,
  type Side,
  slice,
} from './lib/webhook-load.ts';

const SECONDS = Number(process.argv[2] ?? 10);
const ROUNDS = Number(process.argv[3] ?? 5);
const WARMUP_SECONDS = 8;
/** Each side's measured time in a round is cut into this many slices, taken in turns. */
const SLICES = 5;
/** Isolated first where the host allows it: the placement the targets are judged in. */
const PLACEMENTS: readonly Placement[] = canIsolate() ? ['isolated', 'shared'] : ['shared'];

type SideResults = { bare: RoundResult; relay: RoundResult };

/**
 * A round: both servers run side by side, each on an empty Redis of its own, and take turns
 * under load in short slices (the order alternating), so that the machine's drift over
 * seconds falls on both alike; back-to-back 10 s runs gave pairs from 0.67 to 1.28 on a busy
 * host. In one Redis kept for the whole run the jobs of earlier rounds piled up and an AOF
 * rewrite landed on whichever side was running. Each placement gets the same slices; which
 * placement goes first alternates by round.
 */
async function measureRound(round: number): Promise<Map<Placement, SideResults>> {
  const sides: Side[] = [];
  try {
    const bare = await startBareSide(round);
    sides.push(bare);
    const relay = await startRelaySide(round);
    sides.push(relay);
    // Warm-up: sockets, Lua scripts, and the JIT, which compiles much more of the ingress than
    // of the bare route: after 2 s it still spent 13 % of its CPU compiling (perf), none at 10 s.
    await fire(bare.url, WARMUP_SECONDS);
    await fire(relay.url, WARMUP_SECONDS);
    const results = new Map<Placement, SideResults>();
    const placements = round % 2 === 0 ? PLACEMENTS : [...PLACEMENTS].reverse();
    for (const placement of placements) {
      place(placement, systemPids(bare, relay));
      const tallies = { bare: emptyTally(), relay: emptyTally() };
      for (let i = 0; i < SLICES; i += 1) {
        const order =
          (round + i) % 2 === 0 ? (['bare', 'relay'] as const) : (['relay', 'bare'] as const);
        for (const name of order) {
          await slice(name === 'bare' ? bare : relay, SECONDS / SLICES, tallies[name]);
        }
      }
      results.set(placement, { bare: resultOf(tallies.bare), relay: resultOf(tallies.relay) });
    }
    return results;
  } finally {
    place('shared', []);
    for (const side of sides) await side.stop();
  }
}

/** The servers' and their Redis's process ids, for pinning. */
function systemPids(...sides: Side[]): number[] {
  return sides.flatMap((side) => [side.redisPid, ...(side.pid === undefined ? [] : [side.pid])]);
}

type Server = { child: { pid?: number | undefined }; stop(): Promise<unknown> };

/** A server started on an empty Redis of its own; the Redis stops with it, or when it fails. */
async function startSide(
  start: (redisUrl: string, port: number) => Promise<Server>,
): Promise<Side> {
  const redis = await startRedisServer();
  try {
    const redisProcess = await redisPid(redis.url);
    const port = await freePort();
    const server = await start(redis.url, port);
    return {
      url: `http://127.0.0.1:${port}`,
      pid: server.child.pid,
      redis,
      redisPid: redisProcess,
      async stop() {
        await server.stop();
        await redis.stop();
      },
    };
  } catch (error) {
    await redis.stop();
    throw error;
  }
}

/** BENCH_PROF=DIR: a CPU profile of each server run, written under DIR/`sub`. */
const profiled = (sub: string): Record<string, string> =>
  process.env.BENCH_PROF
    ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${join(process.env.BENCH_PROF, sub)}` }
    : {};

const startRelaySide = (round: number) =>
  startSide((redisUrl, port) =>
    startNodeProcess<string>({
      script: join(REPO_ROOT, 'apps/ingress/src/main.ts'),
      env: {
        REDIS_URL: redisUrl,
        QUEUE_PREFIX: `{ingress-r${round}}`,
        INTERCOM_CLIENT_SECRET: SECRET,
        CRM_API_TOKENS: 'bench-crm-token',
        INTERCOM_STATUS_URL: '',
        HOST: '127.0.0.1',
        PORT: String(port),
        LOG_LEVEL: 'info',
        ...profiled('.'),
      },
      readyUrl: `http://127.0.0.1:${port}/healthz`,
      // The ingress logs each webhook at info, as in production; the lines are not needed here.
      onLine: () => {},
    }),
  );

const startBareSide = (round: number) =>
  startSide((redisUrl, port) =>
    startBenchProcess('baseline/bare-ingest.ts', {
      REDIS_URL: redisUrl,
      PREFIX: `{bare-r${round}}`,
      PORT: String(port),
      ...profiled('bare'),
    }),
  );

type Figures = { relay: RoundResult[]; bare: RoundResult[]; ratios: number[] };
const figures = new Map<Placement, Figures>(
  PLACEMENTS.map((placement) => [placement, { relay: [], bare: [], ratios: [] }]),
);
for (let round = 0; round < ROUNDS; round += 1) {
  const measured = await measureRound(round);
  for (const placement of PLACEMENTS) {
    const result = measured.get(placement);
    const figure = figures.get(placement);
    if (!result || !figure) continue;
    const { bare: b, relay: r } = result;
    figure.bare.push(b);
    figure.relay.push(r);
    figure.ratios.push(r.rps / b.rps);
    console.log(
      `round ${round + 1}, ${placement}: ratio ${figure.ratios.at(-1)?.toFixed(2)}; bare ${b.rps.toFixed(0)} req/s (P99 ${b.p99} ms, worst slice ${b.p99Worst}, ${cpuLine(b)}), ingress ${r.rps.toFixed(0)} req/s (P99 ${r.p99} ms, worst slice ${r.p99Worst}, ${r.bad} not 2xx, ${cpuLine(r)})`,
    );
  }
}

console.log(
  `\ningress load — signed webhooks, ${CONNECTIONS} connections, ${ROUNDS} rounds of ${SECONDS} s per side and placement in ${SLICES} slices taken in turns`,
);
console.log(`machine: ${machineLine()}`);
if (!PLACEMENTS.includes('isolated')) {
  console.log('isolated placement not available here (needs Linux, taskset and two cores)');
}
for (const [placement, { bare, relay, ratios }] of figures) {
  const judged = placement === PLACEMENTS[0];
  const where =
    placement === 'isolated'
      ? 'server and its Redis on one core, autocannon on another'
      : 'no pinning: server, Redis and autocannon share every core';
  const ratio = median(ratios);
  const p99 = median(relay.map((r) => r.p99));
  const [bareCpu, relayCpu] = [medianCpu(bare), medianCpu(relay)];
  console.log(`\n${placement} (${where})${judged ? ', the targets are judged here' : ''}:`);
  console.log(
    `  baseline (bare Fastify + queue.add): ${median(bare.map((b) => b.rps)).toFixed(0)} req/s (median), P99 ${median(bare.map((b) => b.p99))} ms`,
  );
  console.log(
    `  ingress (signature, validation, duplicate check, metrics, logs): ${median(relay.map((r) => r.rps)).toFixed(0)} req/s (median), P99 ${p99} ms, ${relay.reduce((sum, r) => sum + r.bad, 0)} not 2xx`,
  );
  console.log(
    `  CPU µs per request (median): baseline server ${bareCpu.server} + redis ${bareCpu.redis}; ingress server ${relayCpu.server} + redis ${relayCpu.redis} (autocannon ${bareCpu.client} / ${relayCpu.client})`,
  );
  const verdict = (met: boolean) => (judged ? (met ? ' MET' : ' NOT MET') : '');
  console.log(
    `  ratio ingress ÷ baseline (median of the rounds' ratios, rounds ${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}): ${ratio.toFixed(2)} (target ≥ 1.0)${verdict(ratio >= 1)}; ack P99 ${p99} ms (target ≤ 25 ms)${verdict(p99 <= 25)}`,
  );
}
