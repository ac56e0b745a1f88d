import { createIntercomClient } from '@relay/intercom';
import { createProducerConnection, waitUntilReady } from '@relay/jobs/redis';
import { createContactDirectory, createContactState } from '@relay/sync';
import {
  type SimulatorProcess,
  startSimulator,
  startTestRedis,
  type TestRedis,
} from '@relay/testkit';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, CRM_TOKEN, type TestApp } from './build-test-app.ts';

let redis: TestRedis;
let sim: SimulatorProcess;
let connection: Redis;
let t: TestApp;

beforeAll(async () => {
  redis = await startTestRedis();
  sim = await startSimulator();
  connection = createProducerConnection(redis.url);
  await waitUntilReady(connection);
  const contactCache = createContactDirectory({
    redis: connection,
    prefix: redis.prefix,
    intercom: createIntercomClient({ baseUrl: sim.url, token: () => sim.token }),
    contacts: createContactState(connection, redis.prefix),
    freshMs: 0, // every read goes through, so the outage below meets a stale copy
  });
  t = await buildTestApp(redis.url, redis.prefix, { contactCache });
});
afterAll(async () => {
  await t?.close();
  connection?.disconnect();
  await sim?.stop();
  await redis?.stop();
});

const read = (externalId: string) =>
  t.app.inject({
    method: 'GET',
    url: `/v1/contacts/${encodeURIComponent(externalId)}`,
    headers: { authorization: `Bearer ${CRM_TOKEN}` },
  });

describe('GET /v1/contacts/:externalId', () => {
  it('reads the contact through, serves it stale during an outage, and 404s an unknown one', async () => {
    await sim.api('POST', '/contacts', { external_id: 'crm-read', name: 'Ada', role: 'user' });
    const fresh = await read('crm-read');
    expect(fresh.statusCode).toBe(200);
    expect(fresh.json()).toMatchObject({
      stale: false,
      contact: { external_id: 'crm-read', name: 'Ada' },
    });

    await sim.control('POST', 'faults', { outage: true });
    try {
      const stale = await read('crm-read');
      expect(stale.statusCode).toBe(200);
      expect(stale.json()).toMatchObject({ stale: true, contact: { name: 'Ada' } });
      const none = await read('crm-never-seen');
      expect(none.statusCode).toBe(502);
      expect(none.json().error.code).toBe('INTERCOM_UNAVAILABLE');
    } finally {
      await sim.control('DELETE', 'faults');
    }
    const unknown = await read('crm-nobody');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('NOT_FOUND');
  });
});
