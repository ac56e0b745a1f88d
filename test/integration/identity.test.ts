import { createContactState } from '@relay/sync';
import {
  E2E_CRM_TOKEN as CRM_TOKEN,
  crmApi,
  type SimContact,
  type SimulatorClient,
  type Stack,
  startStack,
  type UsedRelay,
  useRedis,
  useSimulator,
  waitFor,
} from '@relay/testkit';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Which Intercom contact a CRM record is, through the whole relay (ingress → queue → worker
// process → the simulator over HTTP, on a private Redis): Intercom's 409 for the relay's own
// race, and for another record's contact (Intercom also matches by email).

const relayApi = (stack: Stack) => crmApi(stack.ingressUrl, CRM_TOKEN);

async function simContacts(sim: SimulatorClient): Promise<SimContact[]> {
  const { contacts } = await sim.contacts();
  return contacts.map((entry) => entry.contact);
}

/**
 * Waits until every notification the simulator emitted was delivered to the ingress and its
 * webhook job completed, so what the webhooks do has been done.
 */
async function _webhooksSettled(relay: UsedRelay): Promise<void> {
  const view = await waitFor(
    () => relay.sim.webhooks(),
    (v) => v.inFlight === 0 && v.pendingRetries === 0 && v.deliveries.length === v.emitted,
    20_000,
  );
  expect(view.deliveries.every((delivery) => delivery.ok)).toBe(true);
  const api = relayApi(relay.stack);
  for (const { notificationId } of view.deliveries) {
    expect((await api.done(`webhook-${notificationId}`)).state).toBe('completed');
  }
}

describe('a 409 race with a lagging search index and no webhook', () => {
  // Its own stack: the simulator sends no webhooks (none configured) and search lags writes
  // by ten minutes, so the relay learns of a contact made elsewhere only from Intercom's 409.
  const redis = useRedis();
  const sim = useSimulator(['--search-lag-ms', '600000']);
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({
      redisUrl: redis.url,
      queuePrefix: redis.prefix,
      intercomUrl: sim.url,
      intercomToken: sim.token,
      webhookSecret: 'e2e-webhook-secret',
      crmToken: CRM_TOKEN,
      env: { RECONCILE_EVERY_MS: '0' },
    });
  }, 60_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it('takes the id from the 409, updates that contact, and makes no duplicate', async () => {
    const email = 'made.elsewhere@example.com';
    const made = await sim.api<{ id: string }>('POST', '/contacts', {
      role: 'user',
      external_id: 'crm-race-409',
      email,
      name: 'Made elsewhere',
    });
    const since = await sim.journalMark();
    const api = relayApi(stack);
    const webhooks = await sim.webhooks();
    expect(webhooks.subscriptions).toEqual([]); // the relay hears nothing of `made`

    const push = await api.call('POST', '/v1/contacts', {
      contacts: [{ external_id: 'crm-race-409', name: 'From the CRM' }],
    });
    expect(push.status).toBe(202);
    const job = await api.done(push.body.accepted[0].jobId);
    expect(job).toMatchObject({
      state: 'completed',
      result: { intercomId: made.id, action: 'updated' },
    });

    const calls = (await sim.journal(since))
      .filter((entry) => entry.path.startsWith('/contacts'))
      .map((entry) => `${entry.method} ${entry.path} ${entry.status}`);
    // The look tells whose contact the 409 names: this record's, so it is updated.
    expect(calls).toEqual([
      'POST /contacts 409',
      `GET /contacts/${made.id} 200`,
      `PUT /contacts/${made.id} 200`,
    ]);
    const same = (await simContacts(sim)).filter((c) => c.external_id === 'crm-race-409');
    expect(same).toEqual([expect.objectContaining({ id: made.id, name: 'From the CRM', email })]);
  });
  describe('two CRM records that share an email (Intercom matches the second to the first)', () => {
    const email = 'shared.inbox@example.com';
    const contactsCalls = async (since: number) =>
      (await sim.journal(since))
        .filter((entry) => entry.path.startsWith('/contacts'))
        .map((entry) => `${entry.method} ${entry.path} ${entry.status}`);
    const conflicts = async () => {
      let total = 0;
      for (const url of stack.workerMetricsUrls) {
        const text = await (await fetch(`${url}/metrics`)).text();
        const line = text
          .split('\n')
          .find(
            (l) =>
              l.startsWith('relay_job_failures_total{') &&
              l.includes('code="CONTACT_IDENTITY_CONFLICT"'),
          );
        total += line ? Number(line.split(' ').at(-1)) : 0;
      }
      return total;
    };

    it('fails the second at once with CONTACT_IDENTITY_CONFLICT, writes nothing to the first, and an erasure of the second leaves the first alone', async () => {
      const api = relayApi(stack);
      const first = await api.call('POST', '/v1/contacts', {
        contacts: [{ external_id: 'crm-A', role: 'user', email, name: 'Ann A' }],
      });
      const made = await api.done(first.body.accepted[0].jobId);
      expect(made).toMatchObject({ state: 'completed', result: { action: 'created' } });
      const aId = (made.result as { intercomId: string }).intercomId;
      const conflictsBefore = await conflicts();
      const since = await sim.journalMark();

      const second = await api.call('POST', '/v1/contacts', {
        contacts: [{ external_id: 'crm-B', role: 'user', email, name: 'Bob B' }],
      });
      expect(second.status).toBe(202);
      const failed = await api.done(second.body.accepted[0].jobId);
      expect(failed).toMatchObject({
        state: 'failed',
        attempts: 1,
        error: { code: 'CONTACT_IDENTITY_CONFLICT', retryable: false, status: 409 },
      });
      const message = failed.error?.message ?? '';
      expect(message).toContain('crm-B');
      expect(message).toContain('crm-A');
      expect(message).toContain(aId);
      expect(message).not.toContain(email);
      expect(message).not.toContain('Bob');
      // One look, no write.
      expect(await contactsCalls(since)).toEqual([
        'POST /contacts 409',
        `GET /contacts/${aId} 200`,
      ]);
      expect(await conflicts()).toBe(conflictsBefore + 1);
      const a = (await simContacts(sim)).find((c) => c.id === aId);
      expect(a).toMatchObject({ external_id: 'crm-A', name: 'Ann A', email });

      // Erasing crm-B finds no contact of crm-B (none was mapped to A's): A's stays.
      const erase = await api.call('DELETE', '/v1/contacts/crm-B');
      expect(erase.status).toBe(202);
      expect(await api.done(erase.body.jobId)).toMatchObject({
        state: 'completed',
        result: { outcome: 'not_found' },
      });
      expect((await simContacts(sim)).find((c) => c.id === aId)).toMatchObject({
        external_id: 'crm-A',
        name: 'Ann A',
      });
    });

    it("fails an update that would give a record another record's email, and leaves both contacts as they were", async () => {
      const api = relayApi(stack);
      const push = await api.call('POST', '/v1/contacts', {
        contacts: [{ external_id: 'crm-C', role: 'user', email: 'cy@example.com', name: 'Cy' }],
      });
      const made = await api.done(push.body.accepted[0].jobId);
      const cId = (made.result as { intercomId: string }).intercomId;
      const aId = (await simContacts(sim)).find((c) => c.external_id === 'crm-A')?.id;
      const since = await sim.journalMark();

      const move = await api.call('POST', '/v1/contacts', {
        contacts: [{ external_id: 'crm-C', role: 'user', email, name: 'Cy' }],
      });
      const failed = await api.done(move.body.accepted[0].jobId);
      expect(failed).toMatchObject({
        state: 'failed',
        error: { code: 'CONTACT_IDENTITY_CONFLICT' },
      });
      expect(failed.error?.message ?? '').toMatch(/crm-C.*crm-A/);
      expect(await contactsCalls(since)).toEqual([
        `PUT /contacts/${cId} 409`,
        `GET /contacts/${aId} 200`,
      ]);
      const contacts = await simContacts(sim);
      expect(contacts.find((c) => c.id === cId)).toMatchObject({ email: 'cy@example.com' });
      expect(contacts.find((c) => c.id === aId)).toMatchObject({ external_id: 'crm-A', email });
    });

    it("erases only the record's own contact, even when an old mapping names another's", async () => {
      // A mapping made before identity conflicts were caught: crm-E → A's contact.
      const aId = (await simContacts(sim)).find((c) => c.external_id === 'crm-A')?.id ?? '';
      const client = new Redis(redis.url);
      try {
        await createContactState(client, redis.prefix).rememberId('crm-E', aId);
      } finally {
        client.disconnect();
      }
      const api = relayApi(stack);
      const since = await sim.journalMark();
      const erase = await api.call('DELETE', '/v1/contacts/crm-E');
      expect(await api.done(erase.body.jobId)).toMatchObject({
        state: 'completed',
        result: { outcome: 'not_found' },
      });
      expect(await contactsCalls(since)).toEqual([
        `GET /contacts/${aId} 200`,
        'GET /contacts/find_by_external_id/crm-E 404',
        'POST /contacts/search 200',
      ]);
      expect((await simContacts(sim)).find((c) => c.id === aId)).toMatchObject({
        external_id: 'crm-A',
      });
    });

    it("takes a contact made in Intercom without an external_id as the record's own, and sets it", async () => {
      const made = await sim.api<{ id: string }>('POST', '/contacts', {
        role: 'user',
        email: 'no.external@example.com',
        name: 'Made by a teammate',
      });
      const api = relayApi(stack);
      const push = await api.call('POST', '/v1/contacts', {
        contacts: [
          { external_id: 'crm-D', role: 'user', email: 'no.external@example.com', name: 'Dee' },
        ],
      });
      expect(await api.done(push.body.accepted[0].jobId)).toMatchObject({
        state: 'completed',
        result: { intercomId: made.id, action: 'updated' },
      });
      expect((await simContacts(sim)).find((c) => c.id === made.id)).toMatchObject({
        external_id: 'crm-D',
        name: 'Dee',
      });
    });
  });
});
