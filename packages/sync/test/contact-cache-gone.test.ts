import { createIntercomClient } from '@relay/intercom';
import { createContactState, createProducerConnection, waitUntilReady } from '@relay/jobs';
import {
  type SimulatorProcess,
  startSimulator,
  startTestRedis,
  type TestRedis,
} from '@relay/testkit';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContactCache } from '../src/contact-cache.ts';

let redis: TestRedis;
let sim: SimulatorProcess;
let connection: Redis;
const time = 1_800_000_000_000;

beforeAll(async () => {
  redis = await startTestRedis();
  sim = await startSimulator();
  connection = createProducerConnection(redis.url);
  await waitUntilReady(connection);
});
afterAll(async () => {
  connection?.disconnect();
  await sim?.stop();
  await redis?.stop();
});

function cache(prefix: string, goneMs = 10_000) {
  return createContactCache({
    redis: connection,
    prefix,
    intercom: createIntercomClient({ baseUrl: sim.url, token: () => sim.token }),
    contacts: createContactState(connection, prefix),
    freshMs: 60_000,
    goneMs,
    localTtlMs: 0,
    now: () => time,
  });
}

describe('a contact Intercom no longer has (dropped with its id)', () => {
  it('refuses a late copy of it from a webhook, and takes a new contact with its external_id', async () => {
    const contacts = cache(`${redis.prefix}g`);
    const late = { id: 'id-gone', external_id: 'crm-gone', email: 'gone@example.com' };
    expect(await contacts.put('crm-gone', late)).toBe(true);
    await contacts.drop('crm-gone', 'id-gone');
    expect(await contacts.put('crm-gone', late)).toBe(false);
    expect(await connection.keys(`${redis.prefix}g:cache:contact:*`)).toEqual([]);
    // The same external_id on a new contact (the CRM pushed it again) is cached.
    expect(await contacts.put('crm-gone', { ...late, id: 'id-new' })).toBe(true);
    expect((await contacts.get('crm-gone'))?.contact.id).toBe('id-new');
  });

  it('takes copies of it again once goneMs has passed', async () => {
    const contacts = cache(`${redis.prefix}e`, 200);
    const late = { id: 'id-brief', external_id: 'crm-brief' };
    await contacts.drop('crm-brief', 'id-brief');
    expect(await contacts.put('crm-brief', late)).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await contacts.put('crm-brief', late)).toBe(true);
  });

  it('does not cache a read that saw the contact just before it was erased', async () => {
    const contacts = cache(`${redis.prefix}r`);
    const created = await sim.api<{ id: string }>('POST', '/contacts', {
      role: 'user',
      external_id: 'crm-read-race',
      email: 'race@example.com',
    });
    // The erasure marks it gone while the read's answer from Intercom is on its way.
    await contacts.drop('crm-read-race', created.id);
    expect(await contacts.get('crm-read-race')).toBeUndefined();
    expect(await connection.keys(`${redis.prefix}r:cache:contact:*`)).toEqual([]);
  });
});
