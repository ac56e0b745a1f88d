/**
 * The price of "acknowledged means replicated": signed webhooks through the real ingress with
 * REDIS_ACK_REPLICAS=1 (a 2xx once Redis WAIT says a replica holds the job) against the same
 * ingress with REDIS_ACK_REPLICAS=0, each on a primary with one replica of its own, as §5
 * (ingress-load.ts) runs: autocannon at 50 connections, each request a new notification; both
 * sides run side by side and take turns under load in 2 s slices; placement `isolated` puts
 * the server and its primary on one core, and the load generator and the replica (another
 * host's, in production) on the other.
 * Targets: throughput ≥ 0.8× of REDIS_ACK_REPLICAS=0, ack P99 ≤ 25 ms.
 *
 *   node bench/ingress-ack-replicas.ts [measured seconds per side and round, default 10] [rounds, default 5]
 */
import { join } from 'node:path';
import { histogramQuantile, parsePrometheusText, type Sample } from '@relay/telemetry';
import {
  freePort,
  REPO_ROOT,
  type RedisServer,
  startNodeProcess,
  startRedisReplica,
  startRedisServer,
} from '@relay/testkit';
import { redisPid } from './lib/cpu.ts';
import { machineLine } from './lib/machine.ts';
import { canIsolate, type Placement, place } from './lib/placement.ts';
import { median } from './lib/stack.ts';
import {
  CONNECTIONS,
  cpuLine,
  emptyTally,
  fire,
  type RoundResult,
  resultOf,
  SECRET,
  type Side,
  slice,
} from './lib/webhook-load.ts';

const SECONDS = Number(process.argv[2] ?? 10);
const ROUNDS = Number(process.argv[3] ?? 5);
const WARMUP_SECONDS = 8;
const SLICES = 5;
const PLACEMENT: Placement = canIsolate() ? 'isolated' : 'shared';

type ReplicatedSide = Side & { replica: RedisServer; replicaPid: number };

/** An ingress on a primary with one replica of its own, acknowledging after `ackReplicas`. */
async function startSide(name: string, ackReplicas: number): Promise<ReplicatedSide> {
  const primary = await startRedisServer();
  const replica = await startRedisReplica(primary).catch(async (error: unknown) => {
    await primary.stop();
    throw error;
  });
  try {
    const port = await freePort();
    const server = await startNodeProcess<string>({
      script: join(REPO_ROOT, 'apps/ingress/src/main.ts'),
      env: {
        REDIS_URL: primary.url,
        QUEUE_PREFIX: `{${name}}`,
        INTERCOM_CLIENT_SECRET: SECRET,
        CRM_API_TOKENS: 'bench-crm-token',
        INTERCOM_STATUS_URL: '',
        HOST: '127.0.0.1',
        PORT: String(port),
        LOG_LEVEL: 'info',
        REDIS_ACK_REPLICAS: String(ackReplicas),
      },
      readyUrl: `http://127.0.0.1:${port}/healthz`,
      onLine: () => {},
    });
    return {
      url: `http://127.0.0.1:${port}`,
      pid: server.child.pid,
      redis: primary,
      redisPid: await redisPid(primary.url),
      replica,
      replicaPid: await redisPid(replica.url),
      async stop() {
        await server.stop();
        await replica.stop();
        await primary.stop();
      },
    };
  } catch (error) {
    await replica.stop();
    await primary.stop();
    throw error;
  }
}

/** The replica confirmations (probe and WAIT) the acked side made while measured. */
type Waits = { count: number; p50Ms: number; p99Ms: number };
type Pair = { acked: RoundResult; plain: RoundResult; waits: Waits };

const WAIT_METRIC = 'relay_redis_replica_confirm_seconds';

async function scrape(url: string): Promise<Sample[]> {
  return parsePrometheusText(await (await fetch(`${url}/metrics`)).text());
}

/** The histogram's growth between two scrapes of one process. */
function waitsBetween(before: Sample[], after: Sample[]): Waits {
  const key = (sample: Sample) => `${sample.name}${JSON.stringify(sample.labels)}`;
  const earlier = new Map(before.map((sample) => [key(sample), sample.value]));
  const grown = after
    .filter((sample) => sample.name.startsWith(WAIT_METRIC))
    .map((sample) => ({ ...sample, value: sample.value - (earlier.get(key(sample)) ?? 0) }));
  const confirmed = { outcome: 'confirmed' };
  const count = grown
    .filter((sample) => sample.name === `${WAIT_METRIC}_count`)
    .reduce((sum, sample) => sum + sample.value, 0);
  const ms = (q: number) => histogramQuantile(q, grown, WAIT_METRIC, confirmed) * 1_000;
  return { count, p50Ms: ms(0.5), p99Ms: ms(0.99) };
}

async function measureRound(round: number): Promise<Pair> {
  const sides: ReplicatedSide[] = [];
  try {
    const plain = await startSide(`plain-r${round}`, 0);
    sides.push(plain);
    const acked = await startSide(`acked-r${round}`, 1);
    sides.push(acked);
    await fire(plain.url, WARMUP_SECONDS);
    await fire(acked.url, WARMUP_SECONDS);
    const system = sides.flatMap((side) => [side.redisPid, ...(side.pid ? [side.pid] : [])]);
    place(PLACEMENT, system);
    const tallies = { plain: emptyTally(), acked: emptyTally() };
    const waitsBefore = await scrape(acked.url);
    for (let i = 0; i < SLICES; i += 1) {
      const order =
        (round + i) % 2 === 0 ? (['plain', 'acked'] as const) : (['acked', 'plain'] as const);
      for (const name of order) {
        await slice(name === 'plain' ? plain : acked, SECONDS / SLICES, tallies[name]);
      }
    }
    const waits = waitsBetween(waitsBefore, await scrape(acked.url));
    return { acked: resultOf(tallies.acked), plain: resultOf(tallies.plain), waits };
  } finally {
    place('shared', []);
    for (const side of sides) await side.stop();
  }
}

function waitsLine(waits: Waits, acked: RoundResult): string {
  const perWait = (acked.rps * SECONDS) / Math.max(waits.count, 1);
  return `WAITs: ${waits.count} (${perWait.toFixed(1)} requests each), P50 ${waits.p50Ms.toFixed(2)} ms, P99 ${waits.p99Ms.toFixed(2)} ms`;
}

const results: Pair[] = [];
for (let round = 0; round < ROUNDS; round += 1) {
  const { acked, plain, waits } = await measureRound(round);
  results.push({ acked, plain, waits });
  console.log(
    `round ${round + 1}: ratio ${(acked.rps / plain.rps).toFixed(2)}; REDIS_ACK_REPLICAS=0 ${plain.rps.toFixed(0)} req/s (P99 ${plain.p99} ms, ${cpuLine(plain)}); =1 ${acked.rps.toFixed(0)} req/s (P99 ${acked.p99} ms, worst slice ${acked.p99Worst}, ${acked.bad} not 2xx, ${cpuLine(acked)}); ${waitsLine(waits, acked)}`,
  );
}
const ratios = results.map(({ acked, plain }) => acked.rps / plain.rps);
const ratio = median(ratios);
const p99 = median(results.map(({ acked }) => acked.p99));
const where =
  PLACEMENT === 'isolated'
    ? 'server and its primary on one core; autocannon and the replicas on the other'
    : 'no pinning (isolated placement not available here)';
console.log(
  `\ningress with REDIS_ACK_REPLICAS=1 vs 0 — signed webhooks, ${CONNECTIONS} connections, ${ROUNDS} rounds of ${SECONDS} s per side in ${SLICES} slices taken in turns; ${where}`,
);
console.log(`machine: ${machineLine()}`);
console.log(
  `REDIS_ACK_REPLICAS=0: ${median(results.map((r) => r.plain.rps)).toFixed(0)} req/s (median), P99 ${median(results.map((r) => r.plain.p99))} ms`,
);
console.log(
  `REDIS_ACK_REPLICAS=1: ${median(results.map((r) => r.acked.rps)).toFixed(0)} req/s (median), P99 ${p99} ms, ${results.reduce((sum, r) => sum + r.acked.bad, 0)} not 2xx`,
);
console.log(
  `replica confirmations (probe and WAIT, =1): P50 ${median(results.map((r) => r.waits.p50Ms)).toFixed(2)} ms, P99 ${median(results.map((r) => r.waits.p99Ms)).toFixed(2)} ms (median of the rounds)`,
);
console.log(
  `ratio =1 ÷ =0 (median of the rounds' ratios, rounds ${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}): ${ratio.toFixed(2)} (target ≥ 0.8) ${ratio >= 0.8 ? 'MET' : 'NOT MET'}; ack P99 ${p99} ms (target ≤ 25 ms) ${p99 <= 25 ? 'MET' : 'NOT MET'}`,
);
