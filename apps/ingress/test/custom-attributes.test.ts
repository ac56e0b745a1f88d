import { createIntercomClient } from '@relay/intercom';
import { createProducerConnection, waitUntilReady } from '@relay/jobs/redis';
import { createDataAttributeCatalog } from '@relay/sync';
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

async function createAttribute(name: string, dataType: string) {
  await sim.api('POST', '/data_attributes', { name, model: 'contact', data_type: dataType });
}

beforeAll(async () => {
  redis = await startTestRedis();
  sim = await startSimulator();
  connection = createProducerConnection(redis.url);
  await waitUntilReady(connection);
  await createAttribute('plan', 'string');
  await createAttribute('seats', 'integer');
  const attributeCatalog = createDataAttributeCatalog({
    redis: connection,
    prefix: redis.prefix,
    intercom: createIntercomClient({ baseUrl: sim.url, token: () => sim.token }),
    refreshEveryMs: 0,
  });
  t = await buildTestApp(redis.url, redis.prefix, { attributeCatalog });
});
afterAll(async () => {
  await t?.close();
  connection?.disconnect();
  await sim?.stop();
  await redis?.stop();
});

function push(contacts: unknown[]) {
  return t.app.inject({
    method: 'POST',
    url: '/v1/contacts',
    payload: { contacts },
    headers: { authorization: `Bearer ${CRM_TOKEN}` },
  });
}

describe('custom attributes checked against the workspace', () => {
  it('rejects an unknown attribute or a wrong type by name, and queues nothing for that item', async () => {
    const response = await push([
      { external_id: 'ok', custom_attributes: { plan: 'pro', seats: 3 } },
      { external_id: 'unknown', custom_attributes: { favourite_colour: 'blue' } },
      { external_id: 'wrong-type', custom_attributes: { seats: 'three' } },
      { external_id: 'cleared', custom_attributes: { plan: null } },
    ]);
    expect(response.statusCode).toBe(202);
    const body = response.json();
    expect(body.accepted.map((item: { index: number }) => item.index)).toEqual([0, 3]);
    expect(body.rejected).toEqual([
      {
        index: 1,
        code: 'PAYLOAD_INVALID',
        message:
          'contacts[1]/custom_attributes/favourite_colour is not a custom data attribute of this Intercom workspace (create it in Intercom first)',
      },
      {
        index: 2,
        code: 'PAYLOAD_INVALID',
        message: 'contacts[2]/custom_attributes/seats must be a whole number',
      },
    ]);
    expect(await t.queues.sync.getJobCounts('waiting')).toEqual({ waiting: 2 });
  });

  it('finds an attribute created in Intercom after the list was fetched', async () => {
    await createAttribute('region', 'string');
    const response = await push([{ external_id: 'new-attr', custom_attributes: { region: 'EU' } }]);
    expect(response.json().rejected).toEqual([]);
  });
});
