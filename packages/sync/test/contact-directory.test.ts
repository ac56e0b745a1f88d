import { createIntercomClient } from '@relay/intercom';
import { createProducerConnection, waitUntilReady } from '@relay/jobs/redis';
import { createContactState } from '@relay/sync';
import { useRedis, useSimulator, waitFor } from '@relay/testkit';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createContactDirectory } from '../src/contacts/contact-directory.ts';

const redis = useRedis();
const sim = useSimulator();
let connection: Redis;
let time = 1_800_000_000_000;

beforeAll(async () => {
  connection = createProducerConnection(redis.url);
  await waitUntilReady(connection);
});
afterAll(() => {
  connection?.disconnect();
});
beforeEach(async () => {
  await sim.control('POST', 'reset');
  await sim.control('DELETE', 'faults');
});

function cache(prefix: string, options: { withIntercom?: boolean; goneMs?: number } = {}) {
  const intercom = createIntercomClient({ baseUrl: sim.url, token: () => sim.token });
  return createContactDirectory({
    redis: connection,
    prefix,
    intercom: options.withIntercom === false ? undefined : intercom,
    contacts: createContactState(connection, prefix),
    freshMs: 60_000,
    ...(options.goneMs === undefined ? {} : { goneMs: options.goneMs }),
    localTtlMs: 0,
    now: () => time,
  });
}

function createInSim(body: Record<string, unknown>): Promise<{ id: string }> {
  return sim.api('POST', '/contacts', body);
}

async function calls(): Promise<number> {
  return (await sim.control<{ total: number }>('GET', 'stats')).total;
}

describe('the in-process layer', () => {
  it('forgets a copy at once when another process drops or replaces it', async () => {
    const prefix = `${redis.prefix}e`;
    const subscribers = [new Redis(redis.url), new Redis(redis.url)];
    try {
      const [reader, writer] = subscribers.map((subscriber) =>
        createContactDirectory({
          redis: connection,
          prefix,
          contacts: createContactState(connection, prefix),
          subscriber,
          localTtlMs: 3_600_000,
          freshMs: 3_600_000,
          now: () => time,
        }),
      );
      await new Promise((resolve) => setTimeout(resolve, 100)); // subscriptions in place
      await writer?.learn('crm-local', { id: 'id-1', name: 'First' });
      expect((await reader?.get('crm-local'))?.contact.name).toBe('First'); // now held locally
      await writer?.learn('crm-local', { id: 'id-1', name: 'Second' });
      await waitFor(
        async () => (await reader?.get('crm-local'))?.contact.name,
        (name) => name === 'Second',
        2_000,
      );
      await writer?.gone('crm-local');
      await waitFor(
        async () => {
          try {
            await reader?.get('crm-local');
            return 'held';
          } catch {
            return 'gone';
          }
        },
        (outcome) => outcome === 'gone',
        2_000,
      );
    } finally {
      for (const subscriber of subscribers) subscriber.disconnect();
    }
  });
});

describe('the contact cache', () => {
  it('reads through once, then answers from the cache while the copy is fresh', async () => {
    const contacts = cache(`${redis.prefix}a`);
    const created = await createInSim({ external_id: 'crm-c1', name: 'Ada', role: 'user' });
    const before = await calls();
    const first = await contacts.get('crm-c1');
    expect(first).toMatchObject({ stale: false, contact: { id: created.id, name: 'Ada' } });
    const afterFirst = await calls();
    expect(afterFirst - before).toBe(1); // find_by_external_id: the id was not mapped yet
    time += 30_000;
    expect((await contacts.get('crm-c1'))?.contact.name).toBe('Ada');
    expect(await calls()).toBe(afterFirst);
  });

  it('refreshes an old copy by id, and serves it stale while Intercom is down', async () => {
    const contacts = cache(`${redis.prefix}b`);
    await createInSim({ external_id: 'crm-c2', name: 'Grace', role: 'user' });
    await contacts.get('crm-c2');
    time += 120_000;
    const before = await calls();
    expect((await contacts.get('crm-c2'))?.stale).toBe(false);
    expect((await calls()) - before).toBe(1); // GET /contacts/{id}: the id map knows it
    time += 120_000;
    await sim.control('POST', 'faults', { outage: true });
    const stale = await contacts.get('crm-c2');
    expect(stale).toMatchObject({ stale: true, contact: { name: 'Grace' } });
  });

  it('says not found for a contact Intercom does not have, and fails without any copy when Intercom is down', async () => {
    const contacts = cache(`${redis.prefix}c`);
    expect(await contacts.get('crm-nobody')).toBeUndefined();
    await sim.control('POST', 'faults', { outage: true });
    await expect(contacts.get('crm-unknown')).rejects.toMatchObject({
      code: 'INTERCOM_UNAVAILABLE',
    });
  });

  it('takes copies from webhooks and forgets dropped ones', async () => {
    const contacts = cache(`${redis.prefix}d`, { withIntercom: false });
    await contacts.learn('crm-hook', {
      id: 'id-hook',
      external_id: 'crm-hook',
      name: 'From a webhook',
    });
    expect(await contacts.get('crm-hook')).toMatchObject({
      stale: false,
      contact: { name: 'From a webhook' },
    });
    await contacts.gone('crm-hook');
    await expect(contacts.get('crm-hook')).rejects.toMatchObject({ code: 'INTERCOM_UNAVAILABLE' });
  });
});

describe('a contact Intercom no longer has (dropped with its id)', () => {
  it('refuses a late copy of it from a webhook, and takes a new contact with its external_id', async () => {
    const contacts = cache(`${redis.prefix}g`, { goneMs: 10_000 });
    const late = { id: 'id-gone', external_id: 'crm-gone', email: 'gone@example.com' };
    expect(await contacts.learn('crm-gone', late)).toBe(true);
    await contacts.gone('crm-gone', 'id-gone');
    expect(await contacts.learn('crm-gone', late)).toBe(false);
    expect(await connection.keys(`${redis.prefix}g:cache:contact:*`)).toEqual([]);
    // The same external_id on a new contact (the CRM pushed it again) is cached.
    expect(await contacts.learn('crm-gone', { ...late, id: 'id-new' })).toBe(true);
    expect((await contacts.get('crm-gone'))?.contact.id).toBe('id-new');
  });

  it('takes copies of it again once goneMs has passed', async () => {
    const contacts = cache(`${redis.prefix}f`, { goneMs: 200 });
    const late = { id: 'id-brief', external_id: 'crm-brief' };
    await contacts.gone('crm-brief', 'id-brief');
    expect(await contacts.learn('crm-brief', late)).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await contacts.learn('crm-brief', late)).toBe(true);
  });

  it('does not cache a read that saw the contact just before it was erased', async () => {
    const contacts = cache(`${redis.prefix}r`, { goneMs: 10_000 });
    const created = await createInSim({
      role: 'user',
      external_id: 'crm-read-race',
      email: 'race@example.com',
    });
    // The erasure marks it gone while the read's answer from Intercom is on its way.
    await contacts.gone('crm-read-race', created.id);
    expect(await contacts.get('crm-read-race')).toBeUndefined();
    expect(await connection.keys(`${redis.prefix}r:cache:contact:*`)).toEqual([]);
  });
});
