import { useRedis } from '@relay/testkit';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, CRM_TOKEN, useTestApp, WHOLE_INGRESS } from '../test-app.ts';
import { dribble, listen, openRaw, type RawConnection } from './raw-http.ts';

/** Short timeouts so the test is quick; production keeps 10 s / 15 s (checked below). */
const TIMEOUTS = { headersTimeoutMs: 1_000, requestTimeoutMs: 2_000, checkIntervalMs: 250 };
/** Generous bound for the close: timeout + check interval, with room for a loaded machine. */
const CLOSED_WITHIN_MS = 10_000;
const ATTACKERS = 25;

const redis = useRedis();
const t = useTestApp({ ...WHOLE_INGRESS, redis, timeouts: TIMEOUTS });
let port: number;
beforeAll(async () => {
  port = await listen(t().app);
});

/** Legitimate requests over real HTTP while the attack runs; every one must succeed. */
async function legitimateTraffic(until: Promise<unknown>) {
  const statuses: number[] = [];
  let done = false;
  void until.finally(() => {
    done = true;
  });
  let i = 0;
  while (!done || statuses.length < 10) {
    i++;
    const push = await fetch(`http://127.0.0.1:${port}/v1/contacts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${CRM_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ contacts: [{ external_id: `legit-${i}` }] }),
    });
    statuses.push(push.status);
    await push.arrayBuffer();
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    statuses.push(health.status);
    await health.arrayBuffer();
  }
  return statuses;
}

async function attack(open: (connection: RawConnection) => () => void) {
  const connections = await Promise.all(Array.from({ length: ATTACKERS }, () => openRaw(port)));
  const stops = connections.map(open);
  const closing = Promise.all(connections.map((connection) => connection.closed(CLOSED_WITHIN_MS)));
  const [closed, statuses] = await Promise.all([closing, legitimateTraffic(closing)]);
  for (const stop of stops) stop();
  for (const connection of connections) connection.socket.destroy();
  return { closed, statuses, received: connections.map((connection) => connection.received()) };
}

describe('slow clients', () => {
  it('production keeps 10 s for headers and 15 s for a whole request (Fastify had reset the latter to none)', async () => {
    const production = await buildTestApp(redis, WHOLE_INGRESS);
    const server = production.app.server as typeof production.app.server & {
      connectionsCheckingInterval?: number;
    };
    expect(server.headersTimeout).toBe(10_000);
    expect(server.requestTimeout).toBe(15_000);
    expect(server.connectionsCheckingInterval).toBe(2_000);
    await production.close();
  });

  it('closes connections that dribble headers (slowloris) while legitimate requests succeed', async () => {
    const result = await attack((connection) => {
      connection.socket.write('POST /v1/contacts HTTP/1.1\r\nHost: relay\r\n');
      let n = 0;
      return dribble(connection, () => `X-Slow-${n++}: a\r\n`, 200);
    });
    expect(result.closed.every(Boolean)).toBe(true);
    expect(result.received.every((text) => text === '' || text.startsWith('HTTP/1.1 408'))).toBe(
      true,
    );
    expect(result.statuses.every((status) => status === 202 || status === 200)).toBe(true);
  });

  it('closes connections that dribble the body while legitimate requests succeed, and stores nothing from them', async () => {
    const keys = await t().keyCount();
    const body = JSON.stringify({ contacts: [{ external_id: 'slow-body' }] });
    const result = await attack((connection) => {
      connection.socket.write(
        'POST /v1/contacts HTTP/1.1\r\nHost: relay\r\nContent-Type: application/json\r\n' +
          `Authorization: Bearer ${CRM_TOKEN}\r\nContent-Length: ${body.length}\r\n\r\n`,
      );
      let at = 0;
      return dribble(connection, () => body.charAt(at++ % (body.length - 1)), 200);
    });
    expect(result.closed.every(Boolean)).toBe(true);
    expect(result.statuses.every((status) => status === 202 || status === 200)).toBe(true);
    // Legitimate pushes were stored; nothing of the slow ones: no job names their contact.
    expect(await t().keyCount()).toBeGreaterThan(keys);
    expect(await t().connection.keys(`${redis.prefix}*slow-body*`)).toEqual([]);
  });

  it('closes connections that send a slow webhook body, and ones that send nothing at all', async () => {
    let n = 0;
    const result = await attack((connection) => {
      if (n++ % 2 === 0) return () => {};
      connection.socket.write(
        'POST /webhooks/intercom HTTP/1.1\r\nHost: relay\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n{',
      );
      return dribble(connection, () => ' ', 200);
    });
    expect(result.closed.every(Boolean)).toBe(true);
    expect(result.statuses.every((status) => status === 202 || status === 200)).toBe(true);
  });
});
