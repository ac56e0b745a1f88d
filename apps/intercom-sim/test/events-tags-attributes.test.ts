import { IntercomClient } from 'intercom-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { simAdmin } from '../src/admins/sim-admin.ts';
import { buildSimulator, type Simulator } from '../src/app.ts';
import type { SimulatorOptions } from '../src/options.ts';
import { apiCall, token, useListeningSimulators } from './helpers.ts';
import { startWebhookReceiver } from './webhook-receiver.ts';

describe('data events, tags and data attributes', () => {
  let sim: Simulator | undefined;
  afterEach(async () => {
    await sim?.app.close();
    sim = undefined;
  });

  const build = (options: SimulatorOptions = {}) => {
    sim = buildSimulator(options);
    return sim;
  };

  it('accepts events with 202 and an empty body, storing duplicates once', async () => {
    const target = build();
    const contact = (
      await apiCall(target, { method: 'POST', url: '/contacts', body: { external_id: 'crm-1' } })
    ).json();
    const event = {
      event_name: 'ordered',
      created_at: 1_700_000_000,
      user_id: 'crm-1',
      metadata: { sku: 'a' },
    };
    for (let i = 0; i < 2; i++) {
      const response = await apiCall(target, { method: 'POST', url: '/events', body: event });
      expect(response.statusCode).toBe(202);
      expect(response.body).toBe('');
    }
    expect(target.state.events.all()).toHaveLength(1);
    expect(target.state.events.duplicates()).toBe(1);
    expect(target.state.stats.count('POST /events', 202)).toBe(2);
    const control = (await target.app.inject({ url: '/__sim/events' })).json();
    expect(control).toMatchObject({
      duplicates: 1,
      events: [{ event_name: 'ordered', user_id: 'crm-1' }],
    });
    const listed = (await apiCall(target, { url: '/events?type=user&user_id=crm-1' })).json();
    expect(listed).toMatchObject({
      type: 'event.summary',
      intercom_user_id: contact.id,
      user_id: 'crm-1',
      events: [{ event_name: 'ordered', intercom_user_id: contact.id }],
    });
    const summary = await apiCall(target, { url: '/events?type=user&user_id=crm-1&summary=true' });
    expect(summary.json().events).toEqual([
      {
        name: 'ordered',
        first: '2023-11-14T22:13:20.000Z',
        last: '2023-11-14T22:13:20.000Z',
        count: 1,
        description: '',
      },
    ]);
  });

  it('answers 404 for an event about an unknown user and keeps only 10 metadata keys', async () => {
    const target = build();
    const unknown = await apiCall(target, {
      method: 'POST',
      url: '/events',
      body: { event_name: 'x', created_at: 1, user_id: 'nobody' },
    });
    expect(unknown.statusCode).toBe(404);
    await apiCall(target, { method: 'POST', url: '/contacts', body: { external_id: 'crm-1' } });
    const metadata = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`k${i}`, i]));
    await apiCall(target, {
      method: 'POST',
      url: '/events',
      body: { event_name: 'x', created_at: 1, user_id: 'crm-1', metadata },
    });
    expect(Object.keys(target.state.events.all()[0]?.metadata ?? {})).toHaveLength(10);
  });

  it('tags a contact once, notifying contact.tag.created', async () => {
    const receiver = await startWebhookReceiver();
    try {
      const target = build({ webhookUrls: [receiver.url] });
      const contact = (
        await apiCall(target, { method: 'POST', url: '/contacts', body: { external_id: 'c' } })
      ).json();
      const tag = (
        await apiCall(target, { method: 'POST', url: '/tags', body: { name: 'vip' } })
      ).json();
      expect(tag).toEqual({ type: 'tag', id: expect.any(String), name: 'vip' });
      const appliedBy = { type: 'admin', id: simAdmin.id };
      const applied = { ...tag, applied_at: expect.any(Number), applied_by: appliedBy };
      for (let i = 0; i < 2; i++) {
        const tagged = await apiCall(target, {
          method: 'POST',
          url: `/contacts/${contact.id}/tags`,
          body: { id: tag.id },
        });
        expect(tagged.json()).toEqual(applied);
      }
      expect(target.state.contacts.writeCount(contact.id)).toBe(2);
      const search = await apiCall(target, {
        method: 'POST',
        url: '/contacts/search',
        body: { query: { field: 'tag_id', operator: '=', value: tag.id } },
      });
      expect(search.json().total_count).toBe(1);
      await vi.waitFor(() =>
        expect(receiver.received.map((r) => r.body.topic)).toContain('contact.tag.created'),
      );
      const untagged = await apiCall(target, {
        method: 'DELETE',
        url: `/contacts/${contact.id}/tags/${tag.id}`,
      });
      expect(untagged.json()).toEqual(applied);
      const missing = await apiCall(target, {
        method: 'POST',
        url: `/contacts/${contact.id}/tags`,
        body: { id: '1' },
      });
      expect(missing.statusCode).toBe(404);
    } finally {
      await receiver.close();
    }
  });

  it('lists data attributes, custom ones created on first write', async () => {
    const target = build({ customAttributes: [{ name: 'plan', dataType: 'string' }] });
    await apiCall(target, {
      method: 'POST',
      url: '/contacts',
      body: { external_id: 'c', custom_attributes: { seats: 3 } },
    });
    const list = (await apiCall(target, { url: '/data_attributes?model=contact' })).json();
    expect(list.type).toBe('list');
    const custom = list.data.filter((a: { custom: boolean }) => a.custom);
    expect(custom.map((a: { name: string; data_type: string }) => [a.name, a.data_type])).toEqual([
      ['plan', 'string'],
      ['seats', 'integer'],
    ]);
    expect(list.data.find((a: { name: string }) => a.name === 'email')).toMatchObject({
      custom: false,
    });
    const mistyped = await apiCall(target, {
      method: 'POST',
      url: '/contacts',
      body: { external_id: 'd', custom_attributes: { plan: 5 } },
    });
    expect(mistyped.statusCode).toBe(400);
  });

  it('refuses unknown custom attributes when strict, until created', async () => {
    const target = build({ strictCustomAttributes: true });
    const body = { external_id: 'c', custom_attributes: { tier: 'gold' } };
    const refused = await apiCall(target, { method: 'POST', url: '/contacts', body });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().errors[0]).toEqual({
      code: 'parameter_not_found',
      message: "Custom attribute 'tier' does not exist",
    });
    const created = await apiCall(target, {
      method: 'POST',
      url: '/data_attributes',
      body: { name: 'tier', model: 'contact', data_type: 'string' },
    });
    expect(created.json()).toMatchObject({
      type: 'data_attribute',
      full_name: 'custom_attributes.tier',
    });
    expect((await apiCall(target, { method: 'POST', url: '/contacts', body })).statusCode).toBe(
      200,
    );
  });
});

describe('events through the SDK', () => {
  const listen = useListeningSimulators();

  it('submits an event and gets nothing back', async () => {
    const running = await listen();
    const client = new IntercomClient({ token, baseUrl: running.baseUrl, maxRetries: 0 });
    await client.contacts.create({ external_id: 'crm-1' });
    const result = await client.events.create({
      event_name: 'ordered',
      created_at: 1_700_000_000,
      user_id: 'crm-1',
    });
    expect(result).toBeUndefined();
    expect(running.state.events.all()).toHaveLength(1);
  });
});
