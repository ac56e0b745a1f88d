import {
  E2E_CRM_TOKEN as CRM_TOKEN,
  crmApi,
  type SimulatorProcess,
  type Stack,
  useRelay,
} from '@relay/testkit';
import { beforeAll, describe, expect, it } from 'vitest';

const relay = useRelay({ env: { RECONCILE_EVERY_MS: '0' } });
let sim: SimulatorProcess;
let stack: Stack;

beforeAll(() => {
  ({ sim, stack } = relay);
});

const api = (method: string, path: string, body?: unknown) =>
  crmApi(stack.ingressUrl, CRM_TOKEN).call(method, path, body);
/** Waits until the job an answer named is done, through GET /v1/jobs/:jobId. */
const done = (jobId: string) => crmApi(stack.ingressUrl, CRM_TOKEN).done(jobId);

describe('the sync domain over HTTP: ingress → queue → worker process → simulator', () => {
  it('syncs companies, a contact attached to them, and its events; reads it back', async () => {
    const companies = await api('POST', '/v1/companies', {
      companies: [{ company_id: 'acme', name: 'Acme', plan: 'pro' }],
    });
    expect(companies.status).toBe(202);
    expect((await done(companies.body.accepted[0].jobId)).state).toBe('completed');

    const contacts = await api('POST', '/v1/contacts', {
      contacts: [
        {
          external_id: 'crm-e2e',
          email: 'lin@example.com',
          name: 'Lin',
          companies: [{ company_id: 'acme' }],
        },
      ],
    });
    const contactJob = await done(contacts.body.accepted[0].jobId);
    expect(contactJob).toMatchObject({ state: 'completed', result: { action: 'created' } });

    const events = await api('POST', '/v1/events', {
      events: [{ event_name: 'ordered', external_id: 'crm-e2e', created_at: 1_764_000_000 }],
    });
    expect((await done(events.body.accepted[0].jobId)).state).toBe('completed');
    const simEvents = await sim.events();
    expect(simEvents.events.map((event) => event.user_id)).toEqual(['crm-e2e']);

    const read = await api('GET', '/v1/contacts/crm-e2e');
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ stale: false, contact: { email: 'lin@example.com' } });
  });

  it('erases the contact: gone from Intercom, audited, and no longer readable', async () => {
    const erasure = await api('DELETE', '/v1/contacts/crm-e2e');
    expect(erasure.status).toBe(202);
    const job = await done(erasure.body.jobId);
    expect(job).toMatchObject({ state: 'completed', result: { outcome: 'deleted' } });
    const audit = await api('GET', '/v1/erasures?externalId=crm-e2e');
    expect(audit.body.erasures).toEqual([
      expect.objectContaining({ externalId: 'crm-e2e', outcome: 'deleted' }),
    ]);
    const simContacts = await sim.contacts();
    expect(simContacts.total_count).toBe(0);
    const read = await api('GET', '/v1/contacts/crm-e2e');
    expect(read.status, JSON.stringify(read.body)).toBe(404);
  });

  it('replies to a conversation once however often the request is sent, lists and closes it', async () => {
    const contact = await sim.api<{ id: string }>('POST', '/contacts', {
      role: 'user',
      external_id: 'crm-talk',
    });
    const conversation = await sim.control<{ id: string }>('POST', 'conversations', {
      contact_id: contact.id,
      body: 'Where is my order?',
    });
    const { admins } = await sim.api<{ admins: { id: string }[] }>('GET', '/admins');
    const adminId = admins[0]?.id ?? '';
    await sim.api('POST', `/conversations/${conversation.id}/parts`, {
      message_type: 'assignment',
      type: 'admin',
      admin_id: adminId,
      assignee_id: adminId,
    });

    const send = () =>
      fetch(`${stack.ingressUrl}/v1/conversations/${conversation.id}/reply`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${CRM_TOKEN}`,
          'content-type': 'application/json',
          'idempotency-key': 'order-42-reply',
        },
        body: JSON.stringify({ admin_id: adminId, body: 'It ships today.' }),
      }).then((response) => response.json() as Promise<{ jobId: string }>);
    const [first, second] = [await send(), await send()];
    expect(second.jobId).toBe(first.jobId);
    expect((await done(first.jobId)).state).toBe('completed');
    const parts = await sim.api<{
      conversation_parts: { conversation_parts: { body: string | null }[] };
    }>('GET', `/conversations/${conversation.id}`);
    const replies = parts.conversation_parts.conversation_parts.filter(
      (part) => part.body === 'It ships today.',
    );
    expect(replies).toHaveLength(1);

    const open = await api('GET', `/v1/admins/${adminId}/conversations?state=open`);
    expect(open.status).toBe(200);
    expect(open.body.conversations.map((c: { id: string }) => c.id)).toContain(conversation.id);

    const close = await api('POST', `/v1/conversations/${conversation.id}/close`, {
      admin_id: adminId,
      body: 'Closing this; write back any time.',
    });
    expect((await done(close.body.jobId)).state).toBe('completed');
    const closed = await api('GET', `/v1/admins/${adminId}/conversations?state=closed`);
    expect(closed.status, JSON.stringify(closed.body)).toBe(200);
    expect(closed.body.conversations.map((c: { id: string }) => c.id)).toContain(conversation.id);
    const missingBody = await api('POST', `/v1/conversations/${conversation.id}/note`, {
      admin_id: adminId,
    });
    expect(missingBody.status).toBe(400);
  });

  it('creates an article once per Idempotency-Key, and lists articles and collections', async () => {
    const { admins } = await sim.api<{ admins: { id: string }[] }>('GET', '/admins');
    const authorId = Number(admins[0]?.id);
    const collection = await sim.api<{ id: string }>('POST', '/help_center/collections', {
      name: 'Shipping',
    });
    const create = () =>
      fetch(`${stack.ingressUrl}/v1/articles`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${CRM_TOKEN}`,
          'content-type': 'application/json',
          'idempotency-key': 'kb-shipping-times',
        },
        body: JSON.stringify({
          title: 'Shipping times',
          body: '<p>Two to three days.</p>',
          author_id: authorId,
          state: 'published',
          parent_id: Number(collection.id),
        }),
      }).then((response) => response.json() as Promise<{ jobId: string }>);
    const [first, second] = [await create(), await create()];
    expect(second.jobId).toBe(first.jobId);
    expect(await done(first.jobId)).toMatchObject({
      state: 'completed',
      result: { created: true },
    });

    const articles = await api('GET', '/v1/articles');
    expect(articles.status).toBe(200);
    const titled = articles.body.articles.filter(
      (a: { title: string }) => a.title === 'Shipping times',
    );
    expect(titled).toHaveLength(1);
    expect(titled[0]).toMatchObject({ state: 'published', author_id: authorId });
    const collections = await api('GET', '/v1/help-center/collections');
    expect(collections.body.collections.map((c: { name: string }) => c.name)).toContain('Shipping');
  });

  it('merges a lead into a user and archives the user, by external_id', async () => {
    await sim.api('POST', '/contacts', { role: 'lead', external_id: 'crm-prospect' });
    const user = await sim.api<{ id: string }>('POST', '/contacts', {
      role: 'user',
      external_id: 'crm-customer',
    });
    const merge = await api('POST', '/v1/contacts/merge', {
      lead_external_id: 'crm-prospect',
      user_external_id: 'crm-customer',
    });
    expect(await done(merge.body.jobId)).toMatchObject({
      state: 'completed',
      result: { intercomId: user.id, action: 'merged' },
    });
    const archive = await api('POST', '/v1/contacts/crm-customer/archive');
    expect(await done(archive.body.jobId)).toMatchObject({
      state: 'completed',
      result: { archived: true },
    });
    const entries = await sim.contacts();
    expect(entries.contacts.find((entry) => entry.contact.id === user.id)?.archived).toBe(true);
  });
});
