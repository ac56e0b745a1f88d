import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildSimulator, type Simulator } from '../src/app.ts';
import type { SimulatorOptions } from '../src/options.ts';
import { apiCall } from './helpers.ts';
import { startWebhookReceiver } from './webhook-receiver.ts';

describe('webhook sender', () => {
  let sim: Simulator | undefined;
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>> | undefined;
  afterEach(async () => {
    await sim?.app.close();
    await receiver?.close();
  });

  async function setUp(answer?: (n: number) => number | 'hang', options: SimulatorOptions = {}) {
    receiver = await startWebhookReceiver(answer);
    sim = buildSimulator({
      webhookUrls: [receiver.url],
      webhookSecret: 's3cret',
      webhookRetryDelayMs: 20,
      ...options,
    });
    return { sim, receiver };
  }

  it('sends a signed contact.user.created notification', async () => {
    const { sim, receiver } = await setUp();
    const contact = (
      await apiCall(sim, { method: 'POST', url: '/contacts', body: { external_id: 'crm-1' } })
    ).json();
    await vi.waitFor(() => expect(receiver.received).toHaveLength(1));
    const [delivery] = receiver.received;
    expect(delivery?.headers['content-type']).toBe('application/json');
    expect(delivery?.headers['user-agent']).toBe('intercom-parrot-service-client/1.0');
    const expected = createHmac('sha1', 's3cret')
      .update(delivery?.rawBody ?? '')
      .digest('hex');
    expect(delivery?.headers['x-hub-signature']).toBe(`sha1=${expected}`);
    expect(delivery?.body).toMatchObject({
      type: 'notification_event',
      app_id: 'simapp',
      topic: 'contact.user.created',
      delivery_attempts: 1,
      data: { type: 'notification_event_data', item: contact },
    });
    expect(delivery?.body.id).toMatch(/^notif_[0-9a-f-]{36}$/);
    expect(delivery?.body.first_sent_at).toBe(delivery?.body.created_at);
  });

  it('uses lead, updated and deleted topics; deleted carries only identifying fields', async () => {
    const { sim, receiver } = await setUp();
    const lead = (
      await apiCall(sim, { method: 'POST', url: '/contacts', body: { role: 'lead' } })
    ).json();
    await apiCall(sim, { method: 'PUT', url: `/contacts/${lead.id}`, body: { name: 'L' } });
    await apiCall(sim, { method: 'DELETE', url: `/contacts/${lead.id}` });
    await vi.waitFor(() => expect(receiver.received).toHaveLength(3));
    const topics = receiver.received.map((r) => r.body.topic).sort();
    expect(topics).toEqual(['contact.deleted', 'contact.lead.created', 'contact.lead.updated']);
    const deleted = receiver.received.find((r) => r.body.topic === 'contact.deleted');
    expect(deleted?.body.data.item).toEqual({ type: 'contact', id: lead.id, external_id: null });
  });

  it('retries a failed delivery once with delivery_attempts 2 and the same id', async () => {
    const { sim, receiver } = await setUp((n) => (n === 1 ? 503 : 200));
    await sim.app.inject({
      method: 'POST',
      url: '/__sim/webhooks/send',
      payload: { topic: 'ping', item: {} },
    });
    await vi.waitFor(() => expect(receiver.received).toHaveLength(2));
    const [first, second] = receiver.received;
    expect(second?.body.id).toBe(first?.body.id);
    expect(second?.body.delivery_attempts).toBe(2);
    expect(second?.body.first_sent_at).toBe(first?.body.first_sent_at);
    await vi.waitFor(() =>
      expect(sim.state.webhooks.stats()).toMatchObject({
        sent: 1,
        failed: 1,
        retried: 1,
        dropped: 0,
      }),
    );
  });

  it('drops a notification after the second failure and counts it', async () => {
    const { sim, receiver } = await setUp(() => 500);
    sim.state.webhooks.emit('ping', { type: 'ping', message: 'hi' });
    await vi.waitFor(() => expect(sim.state.webhooks.stats().dropped).toBe(1));
    expect(receiver.received).toHaveLength(2);
    const view = (await sim.app.inject({ url: '/__sim/webhooks' })).json();
    expect(view).toMatchObject({ sent: 0, failed: 2, dropped: 1 });
    expect(
      view.deliveries.map((d: { attempt: number; status: number }) => [d.attempt, d.status]),
    ).toEqual([
      [1, 500],
      [2, 500],
    ]);
  });

  it('treats a receiver slower than the timeout as a failure', async () => {
    const { sim, receiver } = await setUp(() => 'hang', { webhookTimeoutMs: 50 });
    sim.state.webhooks.emit('ping', {});
    await vi.waitFor(() => expect(sim.state.webhooks.stats().dropped).toBe(1));
    expect(receiver.received).toHaveLength(2);
    expect(sim.state.webhooks.deliveries()[0]).toMatchObject({ ok: false, status: null });
  });

  it('emits an arbitrary notification from POST /__sim/webhooks/send', async () => {
    const { sim, receiver } = await setUp();
    const response = await sim.app.inject({
      method: 'POST',
      url: '/__sim/webhooks/send',
      payload: { topic: 'conversation.user.replied', item: { type: 'conversation', id: '1' } },
    });
    expect(response.statusCode).toBe(202);
    await vi.waitFor(() => expect(receiver.received).toHaveLength(1));
    expect(receiver.received[0]?.body).toMatchObject({
      id: response.json().id,
      topic: 'conversation.user.replied',
      data: { item: { type: 'conversation', id: '1' } },
    });
    const bad = await sim.app.inject({ method: 'POST', url: '/__sim/webhooks/send', payload: {} });
    expect(bad.statusCode).toBe(400);
  });

  it('cancels pending retries when the simulator closes', async () => {
    const { sim } = await setUp(() => 500, { webhookRetryDelayMs: 60_000 });
    sim.state.webhooks.emit('ping', {});
    await vi.waitFor(() => expect(sim.state.webhooks.stats().pendingRetries).toBe(1));
    await sim.app.close();
    expect(sim.state.webhooks.stats()).toMatchObject({ pendingRetries: 0, dropped: 1 });
  });
});
