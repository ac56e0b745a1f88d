import {
  E2E_CRM_TOKEN as CRM_TOKEN,
  crmApi,
  deliverWebhook,
  E2E_WEBHOOK_SECRET,
  notificationFixture,
  useRelay,
  waitFor,
} from '@relay/testkit';
import { beforeAll, describe, expect, it } from 'vitest';
import { createSimProbes, metricSample } from './sim-probes.ts';

/**
 * Conversations, articles and webhook topics through the whole stack (ingress, queue, worker
 * process, the simulator over HTTP); conversation notifications reach the change feed. One
 * stack for the file. Contacts and events: domain-operations.test.ts.
 */
const relay = useRelay({ env: { RECONCILE_EVERY_MS: '0' } });
let crm: ReturnType<typeof crmApi>;
let probes: ReturnType<typeof createSimProbes>;

beforeAll(() => {
  crm = crmApi(relay.stack.ingressUrl, CRM_TOKEN);
  probes = createSimProbes(relay.sim, crm);
});

/** A contact made in Intercom (the simulator) who opens a conversation there. */
async function openConversation(externalId: string, body: string): Promise<{ id: string }> {
  const contact = await relay.sim.api<{ id: string }>('POST', '/contacts', {
    role: 'user',
    external_id: externalId,
  });
  return relay.sim.control<{ id: string }>('POST', 'conversations', {
    contact_id: contact.id,
    body,
  });
}

describe('conversations and articles through the stack', () => {
  it('posts a note once per Idempotency-Key, as a note part', async () => {
    const conversation = await openConversation('crm-noted', 'My parcel is late.');
    const { admins } = await relay.sim.api<{ admins: { id: string }[] }>('GET', '/admins');
    const adminId = admins[0]?.id ?? '';
    const note = async () => {
      const answer = await crm.call(
        'POST',
        `/v1/conversations/${conversation.id}/note`,
        { admin_id: adminId, body: 'Courier says Tuesday.' },
        { 'idempotency-key': 'parcel-late-note' },
      );
      return { status: answer.status, jobId: answer.body.jobId as string };
    };
    const [first, second] = [await note(), await note()];
    expect(first.status).toBe(202);
    expect(second.jobId).toBe(first.jobId);
    expect(await crm.done(first.jobId)).toMatchObject({
      state: 'completed',
      result: { action: 'note', sent: true },
    });
    expect((await note()).jobId).toBe(first.jobId);

    const read = await relay.sim.api<{
      conversation_parts: {
        conversation_parts: { part_type: string; body: string | null; author: { id: string } }[];
      };
    }>('GET', `/conversations/${conversation.id}`);
    const notes = read.conversation_parts.conversation_parts.filter(
      (part) => part.body === 'Courier says Tuesday.',
    );
    expect(notes).toEqual([
      expect.objectContaining({
        part_type: 'note',
        author: expect.objectContaining({ id: adminId }),
      }),
    ]);
  });

  it('creates an article as a draft when no state is given', async () => {
    const { admins } = await relay.sim.api<{ admins: { id: string }[] }>('GET', '/admins');
    const answer = await crm.call('POST', '/v1/articles', {
      title: 'Returns',
      body: '<p>30 days.</p>',
      author_id: Number(admins[0]?.id),
    });
    expect(answer.status).toBe(202);
    const job = (await crm.done(answer.body.jobId)) as {
      state: string;
      result?: { intercomId?: string };
    };
    expect(job).toMatchObject({ state: 'completed', result: { created: true } });
    const article = await relay.sim.api<{ title: string; state: string }>(
      'GET',
      `/articles/${job.result?.intercomId}`,
    );
    expect(article).toMatchObject({ title: 'Returns', state: 'draft' });
  });
});

describe('webhook topics without a domain handler', () => {
  it('acknowledges a signed ping and completes its job', async () => {
    const ping = notificationFixture({
      topic: 'ping',
      item: { type: 'ping', message: 'something is pinging you' },
    });
    const answer = await deliverWebhook(relay.stack.ingressUrl, ping, E2E_WEBHOOK_SECRET);
    expect(answer).toEqual({
      status: 200,
      body: { status: 'accepted', jobId: `webhook-${ping.id}` },
    });
    expect(await crm.done(`webhook-${ping.id}`)).toMatchObject({
      state: 'completed',
      attempts: 1,
      result: { topic: 'ping', handled: true },
    });
  });

  it('acknowledges Intercom’s own ping, which carries "id": null, once per delivery', async () => {
    // As Intercom sends it when the endpoint is set up or "Send test request" is pressed.
    const ping = {
      type: 'notification_event',
      app_id: 'simapp',
      data: {
        type: 'notification_event_data',
        item: { type: 'ping', message: 'something something interzen' },
      },
      links: {},
      id: null,
      topic: 'ping',
      delivery_status: null,
      delivery_attempts: 1,
      delivered_at: 0,
      first_sent_at: 1_764_000_000,
      created_at: 1_764_000_000,
      self: null,
    };
    const answer = await deliverWebhook(relay.stack.ingressUrl, ping, E2E_WEBHOOK_SECRET);
    expect(answer, JSON.stringify(answer.body)).toMatchObject({
      status: 200,
      body: { status: 'accepted' },
    });
    const jobId = answer.body.jobId ?? '';
    expect(await crm.done(jobId)).toMatchObject({
      state: 'completed',
      result: { topic: 'ping', handled: true },
    });
    const again = await deliverWebhook(relay.stack.ingressUrl, ping, E2E_WEBHOOK_SECRET);
    expect(again).toMatchObject({ status: 200, body: { status: 'duplicate', jobId } });
    const later = {
      ...ping,
      created_at: ping.created_at + 60,
      first_sent_at: ping.created_at + 60,
    };
    const next = await deliverWebhook(relay.stack.ingressUrl, later, E2E_WEBHOOK_SECRET);
    expect(next).toMatchObject({ status: 200, body: { status: 'accepted' } });
    expect(next.body.jobId).not.toBe(jobId);
  });

  it('counts an unknown topic and completes its job instead of failing it', async () => {
    const workerUrl = relay.stack.workerMetricsUrls[0] ?? '';
    const counted = () =>
      metricSample(workerUrl, 'relay_webhook_topics_total', { family: 'other', handled: 'false' });
    const received = () =>
      metricSample(relay.stack.ingressUrl, 'relay_webhooks_total', {
        topic: 'other',
        outcome: 'accepted',
      });
    const [countedBefore, receivedBefore] = [await counted(), await received()];
    const unknown = notificationFixture({
      topic: 'widget.exploded',
      item: { type: 'widget', id: 'w-1' },
    });
    const answer = await deliverWebhook(relay.stack.ingressUrl, unknown, E2E_WEBHOOK_SECRET);
    expect(answer.status).toBe(200);
    expect(await crm.done(`webhook-${unknown.id}`)).toMatchObject({
      state: 'completed',
      attempts: 1,
      result: { topic: 'widget.exploded', handled: false },
    });
    expect(await received()).toBe(receivedBefore + 1);
    expect(await waitFor(counted, (value) => value > countedBefore, 5_000)).toBe(countedBefore + 1);
  });
});

describe('conversation notifications on the change feed', () => {
  it('records a reply as it came, once, with the notification id to deduplicate on', async () => {
    const conversation = await openConversation('crm-feed-conv', 'Hello?');
    const mark = await probes.deliveryMark();
    await relay.sim.control('POST', `conversations/${conversation.id}/reply`, {
      body: 'Still waiting.',
    });
    const jobs = await probes.webhookJobsSince(mark, 'conversation.user.replied');
    const job = jobs.find((entry) => entry.topic === 'conversation.user.replied');
    expect(job).toMatchObject({ state: 'completed', attempts: 1 });
    const { body } = await crm.call('GET', '/v1/changes?limit=1000');
    const replies = (body.changes as { type: string; data: Record<string, unknown> }[]).filter(
      (change) => change.type === 'conversation.user.replied',
    );
    expect(replies).toHaveLength(1);
    expect(replies[0]?.data).toMatchObject({
      object: 'conversation',
      intercom_id: conversation.id,
      notification_id: job?.notificationId,
      source: 'webhook',
    });
    expect(JSON.stringify(replies[0]?.data.item)).toContain('Still waiting.');
  });
});
