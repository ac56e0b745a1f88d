/**
 * Ingress load: signed Intercom webhooks through the real ingress (signature check, schema
 * validation, duplicate check, metrics, logs at info) vs. a bare Fastify route that only
 * does `queue.add`, same machine, each on an empty Redis of its own; autocannon at 50
 * connections, each request a new notification with its own signature. Rounds are pairs in
 * alternating order; the ratio is the median of the pairs' ratios.
 * Targets: throughput ≥ 1.0× the bare route, ack P99 ≤ 25 ms.
 *
 *   node bench/ingress-load.ts [seconds per round, default 10] [rounds, default 5]
 * BENCH_PROF=DIR writes a CPU profile of each ingress run there (and of the baseline in DIR/bare).
 */
import { createHmac, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import {
  freePort,
  REPO_ROOT,
  type RedisServer,
  startNodeProcess,
  startRedisServer,
} from '@relay/testkit';
import autocannon from 'autocannon';
import { processCpuSeconds, redisCpuSeconds } from './lib/cpu.ts';
import { machineLine } from './lib/machine.ts';
import { median, startBenchProcess } from './lib/stack.ts';

const SECONDS = Number(process.argv[2] ?? 10);
const ROUNDS = Number(process.argv[3] ?? 5);
const CONNECTIONS = 50;
const WARMUP_SECONDS = 8;
const SECRET = 'bench-client-secret';

/** A realistic notification (contact.user.created, about 1 KB), new id each time. */
function notification(): string {
  const id = randomUUID();
  return JSON.stringify({
    type: 'notification_event',
    app_id: 'benchapp',
    id: `notif_${id}`,
    topic: 'contact.user.created',
    delivery_attempts: 1,
    first_sent_at: Math.floor(Date.now() / 1000),
    created_at: Math.floor(Date.now() / 1000),
    data: {
      type: 'notification_event_data',
      item: {
        type: 'contact',
        id: id.replaceAll('-', '').slice(0, 24),
        workspace_id: 'benchapp',
        external_id: `crm-${id}`,
        role: 'user',
        email: `${id.slice(0, 8)}@example.com`,
        name: 'Bench Person',
        custom_attributes: { plan: 'pro', seats: 12 },
        created_at: Math.floor(Date.now() / 1000),
        updated_at: Math.floor(Date.now() / 1000),
        location: { type: 'location', country: 'Ireland', city: 'Dublin' },
        tags: { type: 'list', data: [] },
      },
    },
  });
}

type RoundResult = {
  rps: number;
  p99: number;
  bad: number;
  /** CPU µs per answered request: the server process, Redis, and autocannon (this process). */
  cpu: { server: number; redis: number; client: number };
};

async function load(
  url: string,
  serverPid: number | undefined,
  redis: RedisServer,
): Promise<RoundResult> {
  const run = (seconds: number) =>
    autocannon({
      url,
      connections: CONNECTIONS,
      duration: seconds,
      requests: [
        {
          method: 'POST',
          path: '/webhooks/intercom',
          setupRequest: (request) => {
            const body = notification();
            const signature = `sha1=${createHmac('sha1', SECRET).update(body).digest('hex')}`;
            return {
              ...request,
              body,
              headers: { 'content-type': 'application/json', 'x-hub-signature': signature },
            };
          },
        },
      ],
    });
  // Warm-up: sockets, Lua scripts, and the JIT, which compiles much more of the ingress than of
  // the bare route: after 2 s it still spent 13 % of its CPU compiling (perf), none at 10 s.
  await run(WARMUP_SECONDS);
  const before = {
    server: processCpuSeconds(serverPid),
    redis: await redisCpuSeconds(redis.url),
    client: process.cpuUsage(),
  };
  const result = await run(SECONDS);
  const answered = Math.max(1, result.requests.total);
  const perRequest = (seconds: number) => Math.round((seconds * 1e6) / answered);
  const client = process.cpuUsage(before.client);
  return {
    rps: result.requests.average,
    p99: result.latency.p99,
    bad: result.non2xx + result.errors + result.timeouts,
    cpu: {
      server: perRequest(processCpuSeconds(serverPid) - before.server),
      redis: perRequest((await redisCpuSeconds(redis.url)) - before.redis),
      client: perRequest((client.user + client.system) / 1e6),
    },
  };
}

/**
 * Each side of each round gets a Redis of its own, empty: in one Redis kept for the whole run,
 * the jobs of earlier rounds piled up and an AOF rewrite (Redis CPU per request 57 → 94 µs)
 * landed on whichever side was running at the time.
 */
async function withRedis<T>(measure: (redis: RedisServer) => Promise<T>): Promise<T> {
  const redis = await startRedisServer();
  try {
    return await measure(redis);
  } finally {
    await redis.stop();
  }
}

const relayRound = (round: number) => withRedis((redis) => relayRoundOn(redis, round));
const bareRound = (round: number) => withRedis((redis) => bareRoundOn(redis, round));

async function relayRoundOn(redis: RedisServer, round: number) {
  const port = await freePort();
  const ingress = await startNodeProcess<string>({
    script: join(REPO_ROOT, 'apps/ingress/src/main.ts'),
    env: {
      REDIS_URL: redis.url,
      QUEUE_PREFIX: `{ingress-r${round}}`,
      INTERCOM_CLIENT_SECRET: SECRET,
      CRM_API_TOKENS: 'bench-crm-token',
      INTERCOM_STATUS_URL: '',
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'info',
      ...(process.env.BENCH_PROF
        ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${process.env.BENCH_PROF}` }
        : {}),
    },
    readyUrl: `http://127.0.0.1:${port}/healthz`,
    // The ingress logs each webhook at info, as in production; the lines are not needed here.
    onLine: () => {},
  });
  try {
    return await load(`http://127.0.0.1:${port}`, ingress.child.pid, redis);
  } finally {
    await ingress.stop();
  }
}

async function bareRoundOn(redis: RedisServer, round: number) {
  const port = await freePort();
  const bare = await startBenchProcess('baseline/bare-ingest.ts', {
    REDIS_URL: redis.url,
    PREFIX: `{bare-r${round}}`,
    PORT: String(port),
    ...(process.env.BENCH_PROF
      ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${process.env.BENCH_PROF}/bare` }
      : {}),
  });
  try {
    return await load(`http://127.0.0.1:${port}`, bare.child.pid, redis);
  } finally {
    await bare.stop();
  }
}

function cpuLine(result: RoundResult | undefined): string {
  const cpu = result?.cpu;
  return `CPU µs/request: server ${cpu?.server}, redis ${cpu?.redis}, autocannon ${cpu?.client}`;
}

/** Median CPU µs per request of each process over the rounds. */
function medianCpu(results: RoundResult[]): RoundResult['cpu'] {
  return {
    server: median(results.map((r) => r.cpu.server)),
    redis: median(results.map((r) => r.cpu.redis)),
    client: median(results.map((r) => r.cpu.client)),
  };
}

const relay: RoundResult[] = [];
const bare: RoundResult[] = [];
const pairRatios: number[] = [];
for (let round = 0; round < ROUNDS; round += 1) {
  // Each round is a pair measured back to back, in alternating order: this machine's speed
  // drifts by a third over minutes (autocannon's own CPU per request moves with it), so a
  // pair's ratio is steadier than a ratio of medians taken minutes apart.
  if (round % 2 === 0) {
    bare.push(await bareRound(round));
    relay.push(await relayRound(round));
  } else {
    relay.push(await relayRound(round));
    bare.push(await bareRound(round));
  }
  const [b, r] = [bare.at(-1), relay.at(-1)];
  pairRatios.push((r?.rps ?? 0) / (b?.rps ?? 1));
  console.log(
    `round ${round + 1}: ratio ${pairRatios.at(-1)?.toFixed(2)}; bare ${b?.rps.toFixed(0)} req/s (P99 ${b?.p99} ms, ${cpuLine(b)}), ingress ${r?.rps.toFixed(0)} req/s (P99 ${r?.p99} ms, ${r?.bad} not 2xx, ${cpuLine(r)})`,
  );
}
const ratio = median(pairRatios);
const p99 = median(relay.map((r) => r.p99));
console.log(
  `\ningress load — signed webhooks, ${CONNECTIONS} connections, ${SECONDS} s per round, ${ROUNDS} rounds`,
);
console.log(`machine: ${machineLine()}`);
console.log(
  `baseline (bare Fastify + queue.add): ${median(bare.map((b) => b.rps)).toFixed(0)} req/s (median), P99 ${median(bare.map((b) => b.p99))} ms`,
);
console.log(
  `ingress (signature, validation, duplicate check, metrics, logs): ${median(relay.map((r) => r.rps)).toFixed(0)} req/s (median), P99 ${p99} ms, ${relay.reduce((sum, r) => sum + r.bad, 0)} not 2xx`,
);
const [bareCpu, relayCpu] = [medianCpu(bare), medianCpu(relay)];
console.log(
  `CPU µs per request (median): baseline server ${bareCpu.server} + redis ${bareCpu.redis}; ingress server ${relayCpu.server} + redis ${relayCpu.redis} (autocannon ${bareCpu.client} / ${relayCpu.client})`,
);
console.log(
  `ratio ingress ÷ baseline (median of the rounds' ratios): ${ratio.toFixed(2)} (target ≥ 1.0) ${ratio >= 1 ? 'MET' : 'NOT MET'}; ack P99 ${p99} ms (target ≤ 25 ms) ${p99 <= 25 ? 'MET' : 'NOT MET'}`,
);
