import type { AddressInfo } from 'node:net';
import { createIntercomClient } from '@relay/intercom';
import { createProducerConnection, waitUntilReady } from '@relay/jobs/redis';
import { createDataAttributeCatalog, DATA_ATTRIBUTES_WAIT_MS } from '@relay/sync';
import {
  type SimulatorProcess,
  startSimulator,
  startTestRedis,
  type TestRedis,
  waitFor,
} from '@relay/testkit';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, CRM_TOKEN, type TestApp } from './build-test-app.ts';

/** Intercom answers every call this late: far past the wait, well within its own timeout. */
const INTERCOM_LATENCY_MS = 8_000;
const INTERCOM_TIMEOUT_MS = 30_000;
/** What a push may take beyond the wait: Redis, validation and a loaded machine. */
const SLACK_MS = 1_000;

let redis: TestRedis;
let sim: SimulatorProcess;
let connection: Redis;
let t: TestApp;
let base = '';

beforeAll(async () => {
  redis = await startTestRedis();
  sim = await startSimulator();
  connection = createProducerConnection(redis.url);
  await waitUntilReady(connection);
  await sim.api('POST', '/data_attributes', {
    name: 'plan',
    model: 'contact',
    data_type: 'string',
  });
  const attributeCatalog = createDataAttributeCatalog({
    redis: connection,
    prefix: redis.prefix,
    intercom: createIntercomClient({
      baseUrl: sim.url,
      token: () => sim.token,
      timeoutMs: INTERCOM_TIMEOUT_MS,
    }),
    refreshEveryMs: 0,
  });
  t = await buildTestApp(redis.url, redis.prefix, { attributeCatalog });
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await t?.close();
  connection?.disconnect();
  await sim?.stop();
  await redis?.stop();
});

async function timedPush(contacts: unknown[]) {
  const started = performance.now();
  const response = await fetch(`${base}/v1/contacts`, {
    method: 'POST',
    headers: { authorization: `Bearer ${CRM_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ contacts }),
  });
  const body = (await response.json()) as {
    accepted: { index: number }[];
    rejected: { index: number; message: string }[];
  };
  return { status: response.status, body, ms: performance.now() - started };
}

describe('custom attributes with Intercom slow to list them', () => {
  it('answers a push within the wait, not the Intercom timeout: unchecked on a cold cache, by the list held on a refresh', async () => {
    await sim.control('POST', 'faults', { latencyMs: INTERCOM_LATENCY_MS });

    // Nothing held yet: the items go on unchecked (Intercom would reject a bad one later).
    // Pushes at once, and one after they were answered, share the one slow call.
    const pushOne = (id: string) =>
      timedPush([{ external_id: id, custom_attributes: { plan: 'pro' } }]);
    const cold = [...(await Promise.all(['crm-1a', 'crm-1b', 'crm-1c'].map(pushOne)))];
    cold.push(await pushOne('crm-1d'));
    for (const answer of cold) {
      expect(answer.status).toBe(202);
      expect(answer.body.accepted.map((item) => item.index)).toEqual([0]);
      expect(answer.ms).toBeLessThan(DATA_ATTRIBUTES_WAIT_MS + SLACK_MS);
      expect(answer.ms).toBeLessThan(INTERCOM_LATENCY_MS);
    }

    // The slow call went on after the pushes were answered, and filled the cache when it came.
    await sim.control('DELETE', 'faults');
    const stored = await waitFor(
      () => connection.exists(`${redis.prefix}:cache:data-attributes:contact`),
      (count) => count === 1,
      INTERCOM_LATENCY_MS + SLACK_MS,
    );
    expect(stored).toBe(1);
    const { entries } = await sim.control<{ entries: { method: string; path: string }[] }>(
      'GET',
      'journal',
    );
    const listCalls = entries.filter(
      (entry) => entry.method === 'GET' && entry.path.startsWith('/data_attributes'),
    );
    expect(listCalls).toHaveLength(1);

    // A name the list lacks asks Intercom again; slow again, the list held decides.
    const warm = await timedPush([{ external_id: 'crm-2', custom_attributes: { plan: 'pro' } }]);
    expect(warm.body.accepted.map((item) => item.index)).toEqual([0]);
    await sim.control('POST', 'faults', { latencyMs: INTERCOM_LATENCY_MS });
    const refresh = await timedPush([
      { external_id: 'crm-3', custom_attributes: { plan: 'pro', colour: 'blue' } },
    ]);
    expect(refresh.status).toBe(202);
    expect(refresh.body.rejected).toEqual([
      expect.objectContaining({ index: 0, message: expect.stringContaining('colour') }),
    ]);
    expect(refresh.ms).toBeLessThan(DATA_ATTRIBUTES_WAIT_MS + SLACK_MS);
    await sim.control('DELETE', 'faults');
  });
});
