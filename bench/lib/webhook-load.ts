import { createHmac, randomUUID } from 'node:crypto';
import type { RedisServer } from '@relay/testkit';
import autocannon from 'autocannon';
import { processCpuSeconds, redisCpuSeconds } from './cpu.ts';
import { median } from './stack.ts';

// One side of bench/ingress-load.ts under load: signed webhooks from autocannon, and what a
// slice of it costs in requests, latency and CPU.

export const CONNECTIONS = 50;
export const SECRET = 'bench-client-secret';

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

export type RoundResult = {
  rps: number;
  /** The median of the round's slices' P99s, and the worst of them. */
  p99: number;
  p99Worst: number;
  bad: number;
  /** CPU µs per answered request: the server process, Redis, and autocannon (this process). */
  cpu: { server: number; redis: number; client: number };
};

/** A server under test on its own empty Redis. */
export type Side = {
  url: string;
  pid: number | undefined;
  redis: RedisServer;
  redisPid: number;
  stop(): Promise<void>;
};

/** What one side's slices of a round add up to. */
export type Tally = {
  requests: number;
  seconds: number;
  bad: number;
  p99s: number[];
  cpu: { server: number; redis: number; client: number };
};

export function fire(url: string, seconds: number) {
  return autocannon({
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
}

/** One measured slice of load on one side, added to its tally. */
export async function slice(side: Side, seconds: number, tally: Tally): Promise<void> {
  const before = {
    server: processCpuSeconds(side.pid),
    redis: await redisCpuSeconds(side.redis.url),
    client: process.cpuUsage(),
  };
  const result = await fire(side.url, seconds);
  const client = process.cpuUsage(before.client);
  tally.requests += result.requests.total;
  tally.seconds += result.duration;
  tally.bad += result.non2xx + result.errors + result.timeouts;
  tally.p99s.push(result.latency.p99);
  tally.cpu.server += processCpuSeconds(side.pid) - before.server;
  tally.cpu.redis += (await redisCpuSeconds(side.redis.url)) - before.redis;
  tally.cpu.client += (client.user + client.system) / 1e6;
}

export function resultOf(tally: Tally): RoundResult {
  const answered = Math.max(1, tally.requests);
  const perRequest = (seconds: number) => Math.round((seconds * 1e6) / answered);
  return {
    rps: tally.requests / tally.seconds,
    p99: median(tally.p99s),
    p99Worst: Math.max(...tally.p99s),
    bad: tally.bad,
    cpu: {
      server: perRequest(tally.cpu.server),
      redis: perRequest(tally.cpu.redis),
      client: perRequest(tally.cpu.client),
    },
  };
}

export const emptyTally = (): Tally => ({
  requests: 0,
  seconds: 0,
  bad: 0,
  p99s: [],
  cpu: { server: 0, redis: 0, client: 0 },
});

export function cpuLine(result: RoundResult | undefined): string {
  const cpu = result?.cpu;
  return `CPU µs/request: server ${cpu?.server}, redis ${cpu?.redis}, autocannon ${cpu?.client}`;
}

/** Median CPU µs per request of each process over the rounds. */
export function medianCpu(results: RoundResult[]): RoundResult['cpu'] {
  return {
    server: median(results.map((r) => r.cpu.server)),
    redis: median(results.map((r) => r.cpu.redis)),
    client: median(results.map((r) => r.cpu.client)),
  };
}
