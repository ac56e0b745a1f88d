import { describe, expect, it } from 'vitest';
import { simAdmin } from '../src/admins/sim-admin.ts';
import { sdkErrorOf, useSdk } from './sdk/sdk-harness.ts';

describe('conversations through the real intercom-client SDK', () => {
  const sdk = useSdk('conversations');
  const admin_id = simAdmin.id;

  async function startConversation(externalId: string) {
    const contact = await sdk.client.contacts.create({ external_id: externalId });
    const message = await sdk.client.conversations.create({
      from: { type: 'user', id: contact.id },
      body: 'I need help',
    });
    return { contact, message };
  }

  it('starts a conversation as a contact and finds it', async () => {
    const { contact, message } = await startConversation('talker');
    expect(message).toMatchObject({ type: 'user_message', body: 'I need help' });
    const conversation = await sdk.client.conversations.find({
      conversation_id: message.conversation_id ?? '',
    });
    expect(conversation.state).toBe('open');
    expect(conversation.source?.author?.id).toBe(contact.id);
    expect(conversation.contacts?.contacts?.map((c) => c.id)).toEqual([contact.id]);
  });

  it('takes admin and contact replies as parts', async () => {
    const { contact, message } = await startConversation('replier');
    const conversation_id = message.conversation_id ?? '';
    const { client } = sdk;
    await client.conversations.reply({
      conversation_id,
      body: { message_type: 'comment', type: 'admin', admin_id, body: 'On it' },
    });
    await client.conversations.reply({
      conversation_id,
      body: { message_type: 'note', type: 'admin', admin_id, body: 'VIP' },
    });
    const replied = await client.conversations.reply({
      conversation_id,
      body: { message_type: 'comment', type: 'user', intercom_user_id: contact.id, body: 'Thx' },
    });
    const parts = replied.conversation_parts?.conversation_parts ?? [];
    expect(parts.map((part) => [part.part_type, part.body, part.author?.type])).toEqual([
      ['comment', 'On it', 'admin'],
      ['note', 'VIP', 'admin'],
      ['comment', 'Thx', 'user'],
    ]);
  });

  it('assigns, snoozes, opens and closes through manage', async () => {
    const { message } = await startConversation('managed');
    const conversation_id = message.conversation_id ?? '';
    const { client } = sdk;
    const assigned = await client.conversations.manage({
      conversation_id,
      body: { message_type: 'assignment', type: 'admin', admin_id, assignee_id: admin_id },
    });
    expect(assigned.admin_assignee_id).toBe(Number(admin_id));
    const snoozed = await client.conversations.manage({
      conversation_id,
      body: { message_type: 'snoozed', admin_id, snoozed_until: 1_900_000_000 },
    });
    expect(snoozed).toMatchObject({ state: 'snoozed', snoozed_until: 1_900_000_000 });
    const opened = await client.conversations.manage({
      conversation_id,
      body: { message_type: 'open', admin_id },
    });
    expect(opened.state).toBe('open');
    const closed = await client.conversations.manage({
      conversation_id,
      body: { message_type: 'close', type: 'admin', admin_id },
    });
    expect(closed).toMatchObject({ state: 'closed', open: false });
    const error = await sdkErrorOf(
      client.conversations.manage({
        conversation_id: '999999999',
        body: { message_type: 'open', admin_id },
      }),
    );
    expect(error.statusCode).toBe(404);
  });

  it('pages through conversation search with the SDK iterator', async () => {
    const started: string[] = [];
    for (let i = 0; i < 3; i++) {
      started.push((await startConversation(`searcher-${i}`)).message.conversation_id ?? '');
    }
    const page = await sdk.client.conversations.search({
      query: { field: 'id', operator: 'IN', value: started },
      pagination: { per_page: 2 },
    });
    const seen: string[] = [];
    for await (const conversation of page) seen.push(conversation.id);
    expect(seen.sort()).toEqual([...started].sort());
  });

  sdk.checkRoutesCalled();
});
