import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventJobId } from '@relay/jobs';
import { createContactState } from '@relay/sync';
import { E2E_CRM_TOKEN as CRM_TOKEN, crmApi, useRelay } from '@relay/testkit';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimProbes } from './sim-probes.ts';

/**
 * Every sync operation on contacts and events through the whole stack: the CRM API on the
 * ingress, a BullMQ queue on a private Redis, a worker process, and the simulator over HTTP
 * (which sends its signed webhooks back to the ingress). One stack for the file.
 * Conversations, articles, webhook topics and the conversation sink: domain-messaging.test.ts.
 */
const SEEDED = 'crm-seeded-warm'; // in the simulator from the start: no webhook ever told the relay

let seedDir: string;
let seed: string;
beforeAll(() => {
  seedDir = mkdtempSync(join(tmpdir(), 'relay-ops-seed-'));
  seed = join(seedDir, 'seed.json');
  writeFileSync(seed, JSON.stringify([{ external_id: SEEDED, role: 'user', name: 'Warm' }]));
});
afterAll(() => {
  if (seedDir) rmSync(seedDir, { recursive: true, force: true });
});

const relay = useRelay(() => ({
  simArgs: [
    '--seed', seed,
    '--custom-attribute', 'contact.tier:string',
    '--custom-attribute', 'contact.seats:integer',
  ], // biome-ignore format: flag/value pairs
  env: { RECONCILE_EVERY_MS: '0' }, // no sweep: the cache and the id map change only as tested
}));
let redis: Redis;
let crm: ReturnType<typeof crmApi>;
let probes: ReturnType<typeof createSimProbes>;

beforeAll(() => {
  redis = new Redis(relay.redis.url);
  crm = crmApi(relay.stack.ingressUrl, CRM_TOKEN);
  probes = createSimProbes(relay.sim, crm);
});
afterAll(() => {
  redis?.disconnect();
});

/** POST /v1/contacts with one contact; waits for its job to complete. */
async function pushContact(contact: Record<string, unknown>) {
  const answer = await crm.call('POST', '/v1/contacts', { contacts: [contact] });
  expect(answer.status, JSON.stringify(answer.body)).toBe(202);
  expect(answer.body.rejected).toEqual([]);
  const job = await crm.done(answer.body.accepted[0].jobId);
  expect(job, JSON.stringify(job)).toMatchObject({ state: 'completed' });
  return job as { result: { intercomId: string } };
}

/** The simulator's own record of a contact (archived included). */
async function simContact(id: string) {
  const { contacts } = await relay.sim.contacts();
  return contacts.find((entry) => entry.contact.id === id);
}

describe('contacts through the stack', () => {
  it('creates a lead with its phone and custom attributes', async () => {
    const mark = await probes.journalMark();
    const job = await pushContact({
      external_id: 'crm-lead',
      role: 'lead',
      phone: '+44 7700 900123',
      custom_attributes: { tier: 'gold', seats: 12 },
    });
    const stored = await simContact(job.result.intercomId);
    expect(stored?.contact).toMatchObject({
      external_id: 'crm-lead',
      role: 'lead',
      phone: '+44 7700 900123',
      custom_attributes: { tier: 'gold', seats: 12 },
    });
    const creates = (await probes.journal(mark)).filter(
      (entry) => entry.method === 'POST' && entry.route === '/contacts',
    );
    expect(creates.map((entry) => entry.body)).toEqual([
      expect.objectContaining({
        role: 'lead',
        phone: '+44 7700 900123',
        custom_attributes: { tier: 'gold', seats: 12 },
      }),
    ]);
  });

  it('rejects an attribute the workspace does not have, per item, and queues the rest', async () => {
    const answer = await crm.call('POST', '/v1/contacts', {
      contacts: [
        { external_id: 'crm-attr-ok', custom_attributes: { tier: 'silver' } },
        { external_id: 'crm-attr-bad', custom_attributes: { favourite_colour: 'teal' } },
      ],
    });
    expect(answer.status).toBe(202);
    expect(answer.body.accepted.map((item: { index: number }) => item.index)).toEqual([0]);
    expect(answer.body.rejected).toEqual([
      expect.objectContaining({
        index: 1,
        code: 'PAYLOAD_INVALID',
        message: expect.stringContaining('custom_attributes/favourite_colour'),
      }),
    ]);
  });

  it('archives and then unarchives a contact by external_id', async () => {
    const { result } = await pushContact({ external_id: 'crm-archive', email: 'a@example.com' });
    const archive = await crm.call('POST', '/v1/contacts/crm-archive/archive');
    expect(archive.status).toBe(202);
    expect(await crm.done(archive.body.jobId)).toMatchObject({
      state: 'completed',
      result: { intercomId: result.intercomId, archived: true },
    });
    expect((await simContact(result.intercomId))?.archived).toBe(true);

    const unarchive = await crm.call('POST', '/v1/contacts/crm-archive/unarchive');
    expect(unarchive.status).toBe(202);
    expect(await crm.done(unarchive.body.jobId)).toMatchObject({
      state: 'completed',
      result: { intercomId: result.intercomId, archived: false },
    });
    expect((await simContact(result.intercomId))?.archived).toBe(false);
  });

  it('detaches the company the CRM dropped from a contact’s list', async () => {
    const { result } = await pushContact({
      external_id: 'crm-two-companies',
      companies: [
        { company_id: 'co-a', name: 'A' },
        { company_id: 'co-b', name: 'B' },
      ],
    });
    const attached = async () => {
      const answer = await relay.sim.api<{ companies: { id: string; company_id: string }[] }>(
        'GET',
        `/contacts/${result.intercomId}/companies`,
      );
      return answer.companies;
    };
    const before = await attached();
    expect(before.map((company) => company.company_id).sort()).toEqual(['co-a', 'co-b']);
    const companyB = before.find((company) => company.company_id === 'co-b')?.id;

    const mark = await probes.journalMark();
    await pushContact({ external_id: 'crm-two-companies', companies: [{ company_id: 'co-a' }] });
    expect((await attached()).map((company) => company.company_id)).toEqual(['co-a']);
    const detaches = (await probes.journal(mark)).filter(
      (entry) =>
        entry.method === 'DELETE' && entry.route === '/contacts/:contact_id/companies/:company_id',
    );
    expect(detaches.map((entry) => entry.path)).toEqual([
      `/contacts/${result.intercomId}/companies/${companyB}`,
    ]);
  });
});

describe('events through the stack', () => {
  const event = {
    id: 'inv-9001',
    event_name: 'invoice-paid',
    external_id: 'crm-events',
    created_at: 1_764_000_000,
    metadata: { amount: 42, currency: 'EUR' },
  };

  it('sends an event sent twice with the same id to Intercom once', async () => {
    await relay.sim.api('POST', '/contacts', { role: 'user', external_id: 'crm-events' });
    const duplicates = async () => (await relay.sim.events()).duplicates;
    const [mark, duplicatesBefore] = [await probes.journalMark(), await duplicates()];
    const send = (body: unknown) => crm.call('POST', '/v1/events', { events: [body] });
    const [first, second] = [await send(event), await send(event)];
    const jobId = first.body.accepted[0].jobId;
    expect(second.body.accepted[0].jobId).toBe(jobId);
    expect(await crm.done(jobId)).toMatchObject({ state: 'completed', attempts: 1 });
    // Once more after it ran, even with another time: the id names the event.
    const again = await send({ ...event, created_at: event.created_at + 60 });
    expect(again.body.accepted[0].jobId).toBe(jobId);

    const sim = await relay.sim.events();
    expect(sim.events.filter((e) => e.event_name === 'invoice-paid')).toHaveLength(1);
    expect(await duplicates()).toBe(duplicatesBefore);
    const posts = (await probes.journal(mark)).filter(
      (entry) => entry.method === 'POST' && entry.route === '/events',
    );
    expect(posts).toHaveLength(1);
  });

  it('rejects an event with 11 metadata keys by index and queues nothing for it', async () => {
    const metadata = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`key${i}`, i]));
    const bad = { ...event, id: 'inv-too-much', event_name: 'too-much-metadata', metadata };
    const good = { ...event, id: 'inv-9002', event_name: 'plan-changed' };
    const answer = await crm.call('POST', '/v1/events', { events: [good, bad] });
    expect(answer.status).toBe(202);
    expect(answer.body.accepted.map((item: { index: number }) => item.index)).toEqual([0]);
    expect(answer.body.rejected).toEqual([
      {
        index: 1,
        code: 'PAYLOAD_INVALID',
        message: expect.stringMatching(/^events\[1\]\/metadata/),
      },
    ]);
    expect((await crm.done(answer.body.accepted[0].jobId)).state).toBe('completed');
    const notQueued = await crm.call('GET', `/v1/jobs/${eventJobId(bad)}`);
    expect(notQueued.status).toBe(404);
    const sim = await relay.sim.events();
    const names = sim.events.map((e) => e.event_name);
    expect(names).toContain('plan-changed');
    expect(names).not.toContain('too-much-metadata');
  });
});

describe('the contact read cache through the stack', () => {
  it('warms a contact nobody told the relay about; the read then makes no Intercom call', async () => {
    const warm = await crm.call('POST', '/v1/cache/contacts/warm', {
      external_ids: [SEEDED, 'crm-nobody'],
    });
    expect(warm.status).toBe(202);
    expect(await crm.done(warm.body.jobId)).toMatchObject({
      state: 'completed',
      result: { warmed: 1, missing: 1 },
    });
    const mark = await probes.journalMark();
    const read = await crm.call('GET', `/v1/contacts/${SEEDED}`);
    expect(read.status, JSON.stringify(read.body)).toBe(200);
    expect(read.body).toMatchObject({
      stale: false,
      contact: { external_id: SEEDED, name: 'Warm' },
    });
    expect((await probes.journal(mark)).map((entry) => `${entry.method} ${entry.path}`)).toEqual(
      [],
    );
  });

  it('serves the new data after Intercom’s contact.user.updated webhook', async () => {
    let mark = await probes.deliveryMark();
    const contact = await relay.sim.api<{ id: string }>('POST', '/contacts', {
      role: 'user',
      external_id: 'crm-renamed',
      name: 'Before',
    });
    await probes.webhookJobsSince(mark, 'contact.user.created');
    const before = await crm.call('GET', '/v1/contacts/crm-renamed');
    expect(before.body).toMatchObject({ contact: { name: 'Before' } });

    mark = await probes.deliveryMark();
    await relay.sim.api('PUT', `/contacts/${contact.id}`, { name: 'After' });
    const jobs = await probes.webhookJobsSince(mark, 'contact.user.updated');
    expect(jobs.filter((job) => job.topic === 'contact.user.updated')).toEqual([
      expect.objectContaining({
        state: 'completed',
        // Another app's edit in Intercom: also a change on the feed.
        result: { topic: 'contact.user.updated', handled: true, feed: ['change:contact.updated'] },
      }),
    ]);
    const after = await crm.call('GET', '/v1/contacts/crm-renamed');
    expect(after.body).toMatchObject({ stale: false, contact: { id: contact.id, name: 'After' } });
  });

  it('forgets a contact deleted in Intercom: its contact.deleted webhook drops map and copy', async () => {
    let mark = await probes.deliveryMark();
    const contact = await relay.sim.api<{ id: string }>('POST', '/contacts', {
      role: 'user',
      external_id: 'crm-deleted-there',
    });
    await probes.webhookJobsSince(mark, 'contact.user.created');
    const ids = createContactState(redis, relay.redis.prefix);
    expect(await ids.intercomId('crm-deleted-there')).toBe(contact.id);
    expect((await crm.call('GET', '/v1/contacts/crm-deleted-there')).status).toBe(200);

    mark = await probes.deliveryMark();
    await relay.sim.api('DELETE', `/contacts/${contact.id}`);
    const jobs = await probes.webhookJobsSince(mark, 'contact.deleted');
    expect(jobs.filter((job) => job.topic === 'contact.deleted')).toEqual([
      expect.objectContaining({
        state: 'completed',
        result: { topic: 'contact.deleted', handled: true, feed: ['change:contact.deleted'] },
      }),
    ]);
    expect(await ids.intercomId('crm-deleted-there')).toBeUndefined();
    const read = await crm.call('GET', '/v1/contacts/crm-deleted-there');
    expect(read.status, JSON.stringify(read.body)).toBe(404);
  });
});
