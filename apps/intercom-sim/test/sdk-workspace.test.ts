import type { Intercom } from 'intercom-client';
import { describe, expect, it } from 'vitest';
import { simAdmin } from '../src/admins/sim-admin.ts';
import { sdkErrorOf, useSdk } from './sdk/sdk-harness.ts';

describe('admins, tags, data attributes and events through the real SDK', () => {
  const sdk = useSdk('workspace', { workspaceId: 'ws-sdk' });

  it('identifies the admin and its workspace, lists and finds admins', async () => {
    const { client } = sdk;
    const me = await client.admins.identify();
    expect(me).toMatchObject({ type: 'admin', id: simAdmin.id, email: simAdmin.email });
    expect(me?.app?.id_code).toBe('ws-sdk');
    const admins = await client.admins.list();
    expect(admins.admins?.map((admin) => admin?.id)).toEqual([simAdmin.id]);
    const admin = await client.admins.find({ admin_id: Number(simAdmin.id) });
    expect(admin?.name).toBe(simAdmin.name);
    const error = await sdkErrorOf(client.admins.find({ admin_id: 1 }));
    expect(error.statusCode).toBe(404);
  });

  it('creates, finds, lists, attaches, detaches and deletes tags', async () => {
    const { client } = sdk;
    const contact = await client.contacts.create({ external_id: 'tagged' });
    const tag = await client.tags.create({ name: 'vip' });
    expect(tag).toMatchObject({ type: 'tag', name: 'vip' });
    expect((await client.tags.find({ tag_id: tag.id })).name).toBe('vip');
    expect((await client.tags.list()).data?.map((t) => t.name)).toEqual(['vip']);

    const attached = await client.tags.tagContact({ contact_id: contact.id, id: tag.id });
    expect(attached.id).toBe(tag.id);
    const ofContact = await client.contacts.listAttachedTags({ contact_id: contact.id });
    expect(ofContact.data?.map((t) => t.id)).toEqual([tag.id]);
    const detached = await client.tags.untagContact({ contact_id: contact.id, tag_id: tag.id });
    expect(detached.id).toBe(tag.id);
    expect((await client.contacts.listAttachedTags({ contact_id: contact.id })).data).toEqual([]);

    await client.tags.delete({ tag_id: tag.id });
    const error = await sdkErrorOf(client.tags.find({ tag_id: tag.id }));
    expect(error.statusCode).toBe(404);
  });

  it('creates a custom data attribute and lists it with the standard ones', async () => {
    const { client } = sdk;
    const request = { name: 'score', model: 'contact', data_type: 'integer' };
    // The SDK's generated request type leaves out `name` and `model`, which the API requires.
    const created = await client.dataAttributes.create(
      request as Intercom.CreateDataAttributeRequest,
    );
    expect(created).toMatchObject({ name: 'score', model: 'contact', data_type: 'integer' });
    expect(created.full_name).toBe('custom_attributes.score');
    const listed = await client.dataAttributes.list({ model: 'contact' });
    const names = listed.data?.map((attribute) => attribute.full_name);
    expect(names).toContain('custom_attributes.score');
    expect(names).toContain('email');
  });

  it('submits data events and lists them, in full and as a summary', async () => {
    const { client, sim } = sdk;
    const contact = await client.contacts.create({ external_id: 'evented' });
    const event = { event_name: 'ordered', created_at: 1_700_000_000, user_id: 'evented' };
    await client.events.create(event);
    await client.events.create({ ...event, created_at: 1_700_000_060 });
    expect(sim.state.events.forContact(contact.id)).toHaveLength(2);

    const listed = await client.events.list({ type: 'user', user_id: 'evented' });
    expect(listed).toMatchObject({ type: 'event.summary', intercom_user_id: contact.id });
    expect(listed.events).toHaveLength(2);
    const summary = await client.events.list({ type: 'user', user_id: 'evented', summary: true });
    expect(summary.events).toEqual([
      {
        name: 'ordered',
        first: '2023-11-14T22:13:20.000Z',
        last: '2023-11-14T22:14:20.000Z',
        count: 2,
        description: '',
      },
    ]);
  });

  sdk.checkRoutesCalled();
});
