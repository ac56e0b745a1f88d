import { IntercomClient } from 'intercom-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { simAdmin } from '../src/admins/sim-admin.ts';
import { buildSimulator, type Simulator } from '../src/app.ts';
import { apiCall, createManualClock, token, useListeningSimulators } from './helpers.ts';
import { startWebhookReceiver } from './webhook-receiver.ts';

async function contactWritesIn(sim: Simulator, externalId = 'crm-1') {
  const contact = (
    await apiCall(sim, { method: 'POST', url: '/contacts', body: { external_id: externalId } })
  ).json();
  const started = await sim.app.inject({
    method: 'POST',
    url: '/__sim/conversations',
    payload: { contact_id: contact.id, body: 'I need help' },
  });
  return { contact, conversation: started.json() };
}

describe('conversations', () => {
  let sim: Simulator | undefined;
  afterEach(async () => {
    await sim?.app.close();
    sim = undefined;
  });

  it('starts a conversation for a contact from the control API and notifies it', async () => {
    const receiver = await startWebhookReceiver();
    try {
      sim = buildSimulator({ webhookUrls: [receiver.url] });
      const { contact, conversation } = await contactWritesIn(sim);
      expect(conversation).toMatchObject({
        type: 'conversation',
        state: 'open',
        open: true,
        source: { body: 'I need help', author: { type: 'user', id: contact.id } },
        contacts: {
          type: 'contact.list',
          contacts: [{ type: 'contact', id: contact.id, external_id: 'crm-1' }],
        },
        conversation_parts: { type: 'conversation_part.list', total_count: 0 },
      });
      await vi.waitFor(() =>
        expect(receiver.received.map((r) => r.body.topic)).toContain('conversation.user.created'),
      );
    } finally {
      await receiver.close();
    }
  });

  it('takes admin replies and notes as parts', async () => {
    sim = buildSimulator();
    const { conversation } = await contactWritesIn(sim);
    const url = `/conversations/${conversation.id}/reply`;
    const reply = (body: object) => apiCall(sim as Simulator, { method: 'POST', url, body });
    const replied = await reply({
      type: 'admin',
      admin_id: simAdmin.id,
      message_type: 'comment',
      body: 'On it',
    });
    expect(replied.json()).toMatchObject({ waiting_since: null });
    await reply({ type: 'admin', admin_id: simAdmin.id, message_type: 'note', body: 'internal' });
    const parts = (await apiCall(sim, { url: `/conversations/${conversation.id}` })).json()
      .conversation_parts;
    expect(parts.conversation_parts.map((p: { part_type: string }) => p.part_type)).toEqual([
      'comment',
      'note',
    ]);
    expect(
      (await reply({ type: 'admin', admin_id: '1', message_type: 'comment', body: 'x' }))
        .statusCode,
    ).toBe(404);
    expect(
      (await reply({ type: 'admin', admin_id: simAdmin.id, message_type: 'comment' })).statusCode,
    ).toBe(400);
  });

  it('closes, snoozes, opens and assigns through parts', async () => {
    sim = buildSimulator();
    const { conversation } = await contactWritesIn(sim);
    const manage = (body: object) =>
      apiCall(sim as Simulator, {
        method: 'POST',
        url: `/conversations/${conversation.id}/parts`,
        body: { type: 'admin', admin_id: simAdmin.id, ...body },
      });
    expect((await manage({ message_type: 'close' })).json()).toMatchObject({
      state: 'closed',
      open: false,
    });
    expect(
      (await manage({ message_type: 'snoozed', snoozed_until: 1_900_000_000 })).json(),
    ).toMatchObject({
      state: 'snoozed',
      snoozed_until: 1_900_000_000,
    });
    expect((await manage({ message_type: 'open' })).json()).toMatchObject({
      state: 'open',
      snoozed_until: null,
    });
    expect(
      (await manage({ message_type: 'assignment', assignee_id: simAdmin.id })).json()
        .admin_assignee_id,
    ).toBe(Number(simAdmin.id));
    expect((await manage({ message_type: 'snoozed' })).statusCode).toBe(400);
    expect((await manage({ message_type: 'dance' })).statusCode).toBe(400);
  });

  it('reopens a closed conversation when the contact replies', async () => {
    const clock = createManualClock();
    sim = buildSimulator({ now: clock.now });
    const { conversation } = await contactWritesIn(sim);
    await apiCall(sim, {
      method: 'POST',
      url: `/conversations/${conversation.id}/parts`,
      body: { type: 'admin', admin_id: simAdmin.id, message_type: 'close' },
    });
    clock.advance(5_000);
    const replied = await sim.app.inject({
      method: 'POST',
      url: `/__sim/conversations/${conversation.id}/reply`,
      payload: { body: 'Still broken' },
    });
    expect(replied.json()).toMatchObject({
      state: 'open',
      waiting_since: Math.floor(clock.now() / 1000),
    });
  });

  it('searches conversations with 20 per page by default', async () => {
    sim = buildSimulator();
    const first = await contactWritesIn(sim, 'a');
    await contactWritesIn(sim, 'b');
    await apiCall(sim, {
      method: 'POST',
      url: `/conversations/${first.conversation.id}/parts`,
      body: { type: 'admin', admin_id: simAdmin.id, message_type: 'close' },
    });
    const found = await apiCall(sim, {
      method: 'POST',
      url: '/conversations/search',
      body: { query: { field: 'state', operator: '=', value: 'open' } },
    });
    expect(found.json()).toMatchObject({
      type: 'conversation.list',
      total_count: 1,
      pages: { per_page: 20 },
    });
    expect(found.json().conversations[0].conversation_parts).toBeUndefined();
  });
});

describe('conversations through the SDK', () => {
  const listen = useListeningSimulators();

  it('replies, closes and searches', async () => {
    const running = await listen();
    const client = new IntercomClient({ token, baseUrl: running.baseUrl, maxRetries: 0 });
    const contact = await client.contacts.create({ external_id: 'crm-1' });
    const message = await client.conversations.create({
      from: { type: 'user', id: contact.id },
      body: 'Hi',
    });
    const conversationId = message.conversation_id ?? '';
    const replied = await client.conversations.reply({
      conversation_id: conversationId,
      body: { message_type: 'comment', type: 'admin', admin_id: simAdmin.id, body: 'Hello!' },
    });
    expect(replied.conversation_parts?.total_count).toBe(1);
    const closed = await client.conversations.manage({
      conversation_id: conversationId,
      body: { message_type: 'close', type: 'admin', admin_id: simAdmin.id },
    });
    expect(closed.state).toBe('closed');
    const page = await client.conversations.search({
      query: { field: 'state', operator: '=', value: 'closed' },
    });
    const ids: string[] = [];
    for await (const conversation of page) ids.push(conversation.id);
    expect(ids).toEqual([conversationId]);
  });
});
