import { createIntercomClient } from '@relay/intercom';
import { createProducerConnection, waitUntilReady } from '@relay/jobs/redis';
import { useRedis, useSimulator } from '@relay/testkit';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createFeed, type Feed } from '../src/feed/feed.ts';

const redis = useRedis();
const sim = useSimulator();
let connection: Redis;
let prefix: string;
let seq = 0;

type Contact = Record<string, unknown> & { id: string; updated_at: number };

beforeAll(async () => {
  connection = createProducerConnection(redis.url);
  await waitUntilReady(connection);
});
afterAll(() => connection?.disconnect());
beforeEach(() => {
  seq += 1;
  prefix = `${redis.prefix}-feed${seq}`;
});

function feedWith(
  options: { crmOwnedFields?: string[]; retentionMs?: number; now?: () => number } = {},
): Feed {
  return createFeed({
    redis: connection,
    prefix,
    intercom: createIntercomClient({ baseUrl: sim.url, token: () => sim.token }),
    retentionMs: options.retentionMs ?? 86_400_000,
    crmOwnedFields: options.crmOwnedFields ?? [],
    ...(options.now ? { now: options.now } : {}),
  });
}

const createContact = (body: Record<string, unknown>) =>
  sim.api<Contact>('POST', '/contacts', body);
const later = (contact: Contact, seconds: number, changes: Record<string, unknown>): Contact => ({
  ...contact,
  ...changes,
  updated_at: contact.updated_at + seconds,
});

async function changes(feed: Feed) {
  return (await feed.log.read(undefined, 1_000)).changes;
}

describe('the change feed recorder', () => {
  it('records a lead made in Intercom once, then only what changed, in version order', async () => {
    const feed = feedWith();
    const lead = await createContact({
      role: 'lead',
      email: `lead-${seq}@example.com`,
      name: 'Ann',
    });
    expect((await feed.recorder.contact(lead, 'webhook', true)).outcome).toBe('change');
    expect((await feed.recorder.contact(lead, 'webhook')).outcome).toBe('unchanged');
    const edited = later(lead, 5, { name: 'Ann Lee', custom_attributes: { plan: 'pro' } });
    expect((await feed.recorder.contact(edited, 'webhook')).outcome).toBe('change');
    // An older state delivered late changes nothing.
    expect((await feed.recorder.contact(later(lead, 2, { name: 'Old' }), 'webhook')).outcome).toBe(
      'stale',
    );

    const log = await changes(feed);
    expect(log.map((change) => [change.type, change.data.version, change.data.changed])).toEqual([
      ['contact.created', 1, ['email', 'name', 'role']],
      ['contact.updated', 2, ['name', 'custom_attributes.plan']],
    ]);
    expect(log[0]?.data).toMatchObject({
      object: 'contact',
      intercom_id: lead.id,
      external_id: null,
      source: 'webhook',
      attributes: { email: `lead-${seq}@example.com`, name: 'Ann', role: 'lead', tags: [] },
    });
    expect(log[1]?.data.id).toBe(`chg_${log[1]?.cursor}`);
  });

  it("knows the relay's own writes as echoes, also when the next write is already noted", async () => {
    const feed = feedWith();
    const externalId = `crm-${seq}`;
    const body = { external_id: externalId, email: `e${seq}@example.com`, name: 'Bo' };
    await feed.writes.contact({ externalId }, body);
    const created = await createContact(body);
    await feed.writes.contact({ intercomId: created.id, externalId }, { name: 'Bo A' });
    await feed.writes.contact({ intercomId: created.id, externalId }, { name: 'Bo B' });
    const outcomes = [
      await feed.recorder.contact(created, 'webhook', true),
      await feed.recorder.contact(later(created, 1, { name: 'Bo A' }), 'webhook'),
      await feed.recorder.contact(later(created, 2, { name: 'Bo B' }), 'webhook'),
    ];
    expect(outcomes.map((o) => o.outcome)).toEqual(['echo', 'echo', 'echo']);
    // A teammate's edit after them is a change, with only what the teammate changed.
    const edited = later(created, 3, { name: 'Bo B', phone: '+4915112345678' });
    expect((await feed.recorder.contact(edited, 'webhook')).outcome).toBe('change');
    const log = await changes(feed);
    expect(log.map((change) => change.data.changed)).toEqual([['phone']]);
    expect(log[0]?.data.external_id).toBe(externalId);
  });

  it('keeps the last two values the relay wrote per field, no more (the ledger is bounded)', async () => {
    const feed = feedWith();
    const externalId = `crm-${seq}`;
    const contact = await createContact({ external_id: externalId, email: `k${seq}@example.com` });
    await feed.recorder.contact(contact, 'webhook', true);
    for (const name of ['One', 'Two', 'Three']) {
      await feed.writes.contact({ intercomId: contact.id, externalId }, { name });
    }
    const record = await connection.hgetBuffer(`${prefix}:feed:contact:${contact.id}`, 'w');
    expect(record?.length).toBe(2 * 7); // one field, two values, 7 bytes each
    expect(
      (await feed.recorder.contact(later(contact, 1, { name: 'Three' }), 'webhook')).outcome,
    ).toBe('echo');
    expect(
      (await feed.recorder.contact(later(contact, 2, { name: 'Two' }), 'webhook')).outcome,
    ).toBe('echo');
    // A value written three writes ago is no longer the relay's: someone set it again.
    expect(
      (await feed.recorder.contact(later(contact, 3, { name: 'One' }), 'webhook')).outcome,
    ).toBe('change');
  });

  it('two processes on one record: a decision on an out-of-date copy never lands', async () => {
    const [one, two] = [feedWith(), feedWith()]; // each keeps its own recent records
    const contact = await createContact({
      external_id: `crm-${seq}`,
      email: `m${seq}@example.com`,
    });
    await one.recorder.contact(contact, 'webhook', true);
    await two.recorder.contact(later(contact, 2, { name: 'Two' }), 'webhook');
    // `one` still holds version 1: its commit fails, it reads again and decides on version 2.
    expect(
      (await one.recorder.contact(later(contact, 1, { name: 'One' }), 'webhook')).outcome,
    ).toBe('stale');
    await one.recorder.contact(later(contact, 3, { name: 'Three' }), 'webhook');
    await two.writes.contact(
      { intercomId: contact.id, externalId: `crm-${seq}` },
      { name: 'Four' },
    );
    expect(
      (await one.recorder.contact(later(contact, 4, { name: 'Four' }), 'webhook')).outcome,
    ).toBe('echo');
    const log = await changes(one);
    const name = (change: (typeof log)[number]) =>
      (change.data.attributes as { name?: unknown })?.name;
    expect(log.map((change) => [change.data.version, name(change)])).toEqual([
      [1, null],
      [2, 'Two'],
      [3, 'Three'],
    ]);
  });

  it('counts a change to a field the CRM owns as a conflict, not a change', async () => {
    const feed = feedWith({ crmOwnedFields: ['email', 'custom_attributes'] });
    const contact = await createContact({
      external_id: `crm-${seq}`,
      email: `o${seq}@example.com`,
    });
    await feed.recorder.contact(contact, 'webhook', true);
    const outcome = await feed.recorder.contact(
      later(contact, 1, { email: 'other@example.com', custom_attributes: { plan: 'x' } }),
      'webhook',
    );
    expect(outcome).toMatchObject({
      outcome: 'unchanged',
      conflicts: ['email', 'custom_attributes.plan'],
    });
    const both = later(contact, 2, {
      email: 'third@example.com',
      name: 'Cy',
      custom_attributes: { plan: 'x' },
    });
    expect(await feed.recorder.contact(both, 'webhook')).toMatchObject({
      outcome: 'change',
      conflicts: ['email'],
    });
    expect((await changes(feed)).at(-1)?.data.changed).toEqual(['name']);
  });

  it('records a deletion with ids only and nothing of the contact afterwards', async () => {
    const feed = feedWith();
    const contact = await createContact({
      external_id: `crm-${seq}`,
      email: `d${seq}@example.com`,
    });
    await feed.recorder.contact(contact, 'webhook', true);
    const ref = { id: contact.id, external_id: `crm-${seq}` };
    expect((await feed.recorder.contactDeleted(ref, 1)).outcome).toBe('change');
    expect(
      (await feed.recorder.contact(later(contact, 9, { name: 'Late' }), 'webhook')).outcome,
    ).toBe('gone');
    const deleted = (await changes(feed)).at(-1);
    expect(deleted?.type).toBe('contact.deleted');
    expect(deleted?.data).not.toHaveProperty('attributes');
    expect(deleted?.data.version).toBe(2);
  });

  it('erases every change that names the contact, conversations included, and says so with ids only', async () => {
    const feed = feedWith();
    const contact = await createContact({
      external_id: `crm-${seq}`,
      email: `g${seq}@example.com`,
    });
    const other = await createContact({
      external_id: `crm-${seq}-b`,
      email: `h${seq}@example.com`,
    });
    await feed.recorder.contact(contact, 'webhook', true);
    await feed.recorder.contact(other, 'webhook', true);
    await feed.extras.conversation({
      id: 'notif_1',
      topic: 'conversation.user.created',
      created_at: 1,
      data: { item: { id: 'conv1', contacts: { contacts: [{ id: contact.id }] } } },
    });
    await feed.extras.erase(contact.id, `crm-${seq}`);
    const log = await changes(feed);
    expect(log.map((change) => change.type)).toEqual(['contact.created', 'contact.erased']);
    expect(log[0]?.data.intercom_id).toBe(other.id);
    expect(JSON.stringify(log)).not.toContain(`g${seq}@example.com`);
    const record = await connection.hgetall(`${prefix}:feed:contact:${contact.id}`);
    expect(Object.keys(record).sort()).toEqual(['g', 'n', 't', 'v']);
    expect((await feed.recorder.contact(later(contact, 9, {}), 'webhook')).outcome).toBe('gone');
  });

  it('answers FEED_CURSOR_EXPIRED for a cursor older than what was trimmed, and not for a quiet one', async () => {
    const feed = feedWith({ retentionMs: 1_000 });
    const first = await createContact({ email: `t${seq}@example.com`, role: 'lead' });
    await feed.recorder.contact(first, 'webhook', true);
    const { next } = await feed.log.read(undefined, 10);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    // Nothing trimmed yet: the cursor of a reader who saw everything stays good.
    expect((await feed.log.read(next ?? undefined, 10)).changes).toEqual([]);
    const second = await createContact({ email: `u${seq}@example.com`, role: 'lead' });
    await feed.recorder.contact(second, 'webhook', true);
    await expect(feed.log.read('1-0', 10)).rejects.toMatchObject({ code: 'FEED_CURSOR_EXPIRED' });
    expect((await feed.log.read(next ?? undefined, 10)).changes).toHaveLength(1);
  });
});
