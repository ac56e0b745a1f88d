import { createHash } from 'node:crypto';
import { shortHash } from '@relay/jobs';
import { createContactState } from '@relay/sync';
import {
  E2E_CRM_TOKEN as CRM_TOKEN,
  crmApi,
  dumpKeys,
  type SimContact,
  type SimulatorClient,
  type Stack,
  useRelay,
  waitFor,
} from '@relay/testkit';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webhooksSettled } from './sim-probes.ts';

// The edges of the sync domain, each through the whole relay: ingress → queue → worker
// process → the simulator over HTTP, on a private Redis.

const relayApi = (stack: Stack) => crmApi(stack.ingressUrl, CRM_TOKEN);

async function simContacts(sim: SimulatorClient): Promise<SimContact[]> {
  const { contacts } = await sim.contacts();
  return contacts.map((entry) => entry.contact);
}

describe('edges of the sync domain, with webhooks', () => {
  const FRESH_MS = 1_500;
  const relay = useRelay({
    simArgs: [
      '--custom-attribute', 'contact.plan:string',
      '--custom-attribute', 'contact.seats:integer',
      '--strict-custom-attributes',
    ], // biome-ignore format: flag/value pairs
    env: {
      RECONCILE_EVERY_MS: '0',
      CONTACT_CACHE_FRESH_MS: String(FRESH_MS),
      INTERCOM_CIRCUIT_OPEN_MS: '500',
    },
  });
  let redis: Redis;

  beforeAll(() => {
    redis = new Redis(relay.redis.url);
  });

  afterAll(() => {
    redis?.disconnect();
  });

  const api = () => relayApi(relay.stack);
  /** Every key in the stack's Redis (only the stack's prefix when the Redis is shared). */
  const everyKey = () =>
    dumpKeys(redis, relay.redis.source === 'REDIS_URL' ? relay.redis.prefix : '');

  it('rejects an unknown and a wrongly typed custom attribute by name and index, and queues and writes nothing for them', async () => {
    const since = await relay.sim.journalMark();
    const push = await api().call('POST', '/v1/contacts', {
      contacts: [
        { external_id: 'crm-attr-ok', custom_attributes: { plan: 'pro', seats: 3 } },
        { external_id: 'crm-attr-unknown', custom_attributes: { favourite_colour: 'blue' } },
        { external_id: 'crm-attr-type', custom_attributes: { seats: 'three' } },
      ],
    });
    expect(push.status).toBe(202);
    expect(push.body.accepted.map((item: { index: number }) => item.index)).toEqual([0]);
    expect(push.body.rejected).toEqual([
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
    expect(await api().done(push.body.accepted[0].jobId)).toMatchObject({
      state: 'completed',
      result: { action: 'created' },
    });
    const synced = (await simContacts(relay.sim)).find((c) => c.external_id === 'crm-attr-ok');
    expect(synced?.custom_attributes).toMatchObject({ plan: 'pro', seats: 3 });

    // Redis: the valid item's job and record are there; nothing names the rejected ones.
    const dump = await everyKey();
    const keys = [...dump.keys()].join('\n');
    const values = [...dump.values()].join('\n');
    expect(keys).toContain(`contact-${shortHash('crm-attr-ok')}-`);
    expect(values).toContain('crm-attr-ok');
    for (const rejected of ['crm-attr-unknown', 'crm-attr-type']) {
      expect(keys).not.toContain(shortHash(rejected));
      expect(values).not.toContain(rejected);
    }
    // Intercom: a write for the valid one, none for the rejected ones.
    const writes = (await relay.sim.journal(since)).filter((entry) => entry.method !== 'GET');
    const bodies = writes.map((entry) => JSON.stringify(entry.body)).join('\n');
    expect(bodies).toContain('crm-attr-ok');
    expect(bodies).not.toContain('crm-attr-unknown');
    expect(bodies).not.toContain('crm-attr-type');
  });

  it('serves the last known copy with stale: true during an outage, and fresh reads once it ends', async () => {
    const push = await api().call('POST', '/v1/contacts', {
      contacts: [{ external_id: 'crm-stale', name: 'Kept Copy', email: 'kept@example.com' }],
    });
    expect((await api().done(push.body.accepted[0].jobId)).state).toBe('completed');
    await webhooksSettled(relay.sim, relayApi(relay.stack));
    const before = await api().call('GET', '/v1/contacts/crm-stale');
    expect(before.status).toBe(200);
    expect(before.body).toMatchObject({ stale: false, contact: { email: 'kept@example.com' } });

    await relay.sim.control('POST', 'faults', { outage: true });
    try {
      // Past the copy's fresh time: the read goes to Intercom, which answers 503.
      const cachedAt = Date.parse(before.body.cachedAt);
      await new Promise((resolve) => setTimeout(resolve, cachedAt + FRESH_MS + 100 - Date.now()));
      const during = await api().call('GET', '/v1/contacts/crm-stale');
      expect(during.status, JSON.stringify(during.body)).toBe(200);
      expect(during.body).toEqual({ ...before.body, stale: true });
    } finally {
      await relay.sim.control('DELETE', 'faults');
    }
    // The circuit the outage may have opened closes after its probe.
    const after = await waitFor(
      () => api().call('GET', '/v1/contacts/crm-stale'),
      (read) => read.status === 200 && read.body.stale === false,
      10_000,
    );
    expect(after.body).toMatchObject({ stale: false, contact: { email: 'kept@example.com' } });
    expect(Date.parse(after.body.cachedAt)).toBeGreaterThan(Date.parse(before.body.cachedAt));
  });

  it('erases a contact that was pushed, tracked, read and notified: no personal data left in Redis', async () => {
    const person = {
      external_id: 'crm-forget-me',
      email: 'ada.forgotten@example.com',
      phone: '+15550142',
      name: 'Ada Forgotten',
      custom_attributes: { plan: 'Ada private plan' },
      companies: [{ company_id: 'erasure-co', name: 'Erasure Co' }],
    };
    const personal = [person.email, person.phone, person.name, person.custom_attributes.plan];
    const push = await api().call('POST', '/v1/contacts', { contacts: [person] });
    expect(await api().done(push.body.accepted[0].jobId)).toMatchObject({
      state: 'completed',
      result: { action: 'created' },
    });
    const events = await api().call('POST', '/v1/events', {
      events: [
        { event_name: 'ordered', external_id: person.external_id, created_at: 1_764_000_000 },
      ],
    });
    expect((await api().done(events.body.accepted[0].jobId)).state).toBe('completed');
    await webhooksSettled(relay.sim, relayApi(relay.stack)); // contact created, company created, contact attached
    const read = await api().call('GET', `/v1/contacts/${person.external_id}`);
    expect(read.body).toMatchObject({ contact: { email: person.email, phone: person.phone } });
    // The data is in Redis now (the check below can see it).
    const full = [...(await everyKey()).values()].join('\n');
    for (const value of personal) expect(full).toContain(value);

    const erasure = await api().call('DELETE', `/v1/contacts/${person.external_id}`);
    expect(erasure.status).toBe(202);
    expect(await api().done(erasure.body.jobId)).toMatchObject({
      state: 'completed',
      result: { outcome: 'deleted' },
    });
    await webhooksSettled(relay.sim, relayApi(relay.stack)); // contact.deleted
    expect((await simContacts(relay.sim)).map((c) => c.external_id)).not.toContain(
      person.external_id,
    );
    // A notification sent before the erasure arrives after it (Intercom redelivers one whose
    // first delivery failed): it must not bring the contact back into the cache or the map.
    await relay.sim.control('POST', 'webhooks/send', {
      topic: 'contact.user.updated',
      item: read.body.contact,
    });
    await webhooksSettled(relay.sim, relayApi(relay.stack));

    const dump = await everyKey();
    for (const [key, text] of dump) {
      for (const value of personal) expect(text, key).not.toContain(value);
    }
    const audit = await api().call('GET', `/v1/erasures?externalId=${person.external_id}`);
    expect(audit.body.erasures).toHaveLength(1);
    const [record] = audit.body.erasures;
    expect(Object.keys(record).sort()).toEqual([
      'at',
      'externalId',
      'intercomRequestId',
      'jobId',
      'jobsRemoved',
      'outcome',
    ]);
    expect(record).toMatchObject({
      externalId: person.external_id,
      outcome: 'deleted',
      jobId: erasure.body.jobId,
      intercomRequestId: expect.stringMatching(/\S/),
    });
    const after = await api().call('GET', `/v1/contacts/${person.external_id}`);
    expect(after.status).toBe(404);
    const contacts = createContactState(redis, relay.redis.prefix);
    expect(await contacts.intercomId(person.external_id)).toBeUndefined();
  });

  it('forgets a lead merged into a user by the relay: no mapping, no cached copy, 404 on read', async () => {
    const push = await api().call('POST', '/v1/contacts', {
      contacts: [
        { external_id: 'crm-lead', role: 'lead', name: 'Lead Person', phone: '+15550177' },
        { external_id: 'crm-user', role: 'user', email: 'user@example.com' },
      ],
    });
    for (const { jobId } of push.body.accepted) {
      expect((await api().done(jobId)).state).toBe('completed');
    }
    await webhooksSettled(relay.sim, relayApi(relay.stack));
    expect((await api().call('GET', '/v1/contacts/crm-lead')).status).toBe(200);
    expect(await cachedCopy('crm-lead')).toBeDefined();

    const merge = await api().call('POST', '/v1/contacts/merge', {
      lead_external_id: 'crm-lead',
      user_external_id: 'crm-user',
    });
    const userId = (await simContacts(relay.sim)).find((c) => c.external_id === 'crm-user')?.id;
    expect(await api().done(merge.body.jobId)).toMatchObject({
      state: 'completed',
      result: { intercomId: userId, action: 'merged' },
    });
    await webhooksSettled(relay.sim, relayApi(relay.stack)); // contact.merged

    await expectMergedAway('crm-lead', 'crm-user', userId);
    const user = await api().call('GET', '/v1/contacts/crm-user');
    expect(user.body).toMatchObject({ contact: { id: userId, phone: '+15550177' } });
  });

  it('follows a merge made in Intercom through the contact.merged webhook', async () => {
    const lead = await relay.sim.api<{ id: string }>('POST', '/contacts', {
      role: 'lead',
      external_id: 'crm-lead-2',
      phone: '+15550188',
    });
    const user = await relay.sim.api<{ id: string }>('POST', '/contacts', {
      role: 'user',
      external_id: 'crm-user-2',
      email: 'user2@example.com',
    });
    await webhooksSettled(relay.sim, relayApi(relay.stack)); // both created: mapped and cached by their webhooks
    const contacts = createContactState(redis, relay.redis.prefix);
    expect(await contacts.intercomId('crm-lead-2')).toBe(lead.id);
    const leadRead = await api().call('GET', '/v1/contacts/crm-lead-2');
    expect(leadRead.status).toBe(200);
    expect(await cachedCopy('crm-lead-2')).toBeDefined();

    await relay.sim.api('POST', '/contacts/merge', { from: lead.id, into: user.id });
    await webhooksSettled(relay.sim, relayApi(relay.stack));
    // A notification of the lead from before the merge, arriving late, changes nothing.
    await relay.sim.control('POST', 'webhooks/send', {
      topic: 'contact.lead.updated',
      item: leadRead.body.contact,
    });
    await webhooksSettled(relay.sim, relayApi(relay.stack));
    const { deliveries } = await relay.sim.webhooks();
    expect(deliveries.map((delivery) => delivery.topic)).toContain('contact.merged');

    await expectMergedAway('crm-lead-2', 'crm-user-2', user.id);
    // The webhook's item is the merged user: its copy holds what it took from the lead.
    const copy = await cachedCopy('crm-user-2');
    expect(copy?.contact).toMatchObject({ id: user.id, phone: '+15550188' });
  });

  /**
   * The contact cache's copy as it stands in Redis (`<prefix>:cache:contact:<sha256>`, see
   * packages/sync/src/contact-cache.ts), without reading through to Intercom.
   */
  async function cachedCopy(externalId: string) {
    const hash = createHash('sha256').update(externalId).digest('hex');
    const stored = await redis.get(`${relay.redis.prefix}:cache:contact:${hash}`);
    return stored ? (JSON.parse(stored) as { contact: Record<string, unknown> }) : undefined;
  }

  async function expectMergedAway(lead: string, user: string, userId: string | undefined) {
    const contacts = createContactState(redis, relay.redis.prefix);
    expect(await contacts.intercomId(lead)).toBeUndefined();
    expect(await contacts.intercomId(user)).toBe(userId);
    expect(await cachedCopy(lead)).toBeUndefined();
    const read = await api().call('GET', `/v1/contacts/${lead}`);
    expect(read.status, JSON.stringify(read.body)).toBe(404);
  }
});
