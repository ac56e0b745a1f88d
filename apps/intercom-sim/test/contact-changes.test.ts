import { describe, expect, it } from 'vitest';
import { useChangeHarness } from './change-harness.ts';

/** Contacts made and edited on Intercom's side, through `/__sim/changes/contacts`. */
describe('contact changes', () => {
  const start = useChangeHarness();

  it('creates a Messenger lead by default, and a user on request, each notified', async () => {
    const { control, notification } = await start();
    const lead = await control('POST', 'changes/contacts', { email: 'lead@example.com' });
    expect(lead.status).toBe(200);
    expect(lead.body).toMatchObject({ type: 'contact', role: 'lead', email: 'lead@example.com' });
    expect((await notification('contact.lead.created')).data.item).toEqual(lead.body);

    const user = await control('POST', 'changes/contacts', {
      role: 'user',
      external_id: 'crm-9',
      name: 'Ann',
      phone: '+441234',
      custom_attributes: { plan: 'pro' },
    });
    expect(user.body).toMatchObject({ role: 'user', external_id: 'crm-9', name: 'Ann' });
    expect((await notification('contact.user.created')).data.item).toEqual(user.body);
  });

  it('edits a contact like a teammate: custom attributes merged, contact.<role>.updated', async () => {
    const { control, notification } = await start();
    const { body: lead } = await control('POST', 'changes/contacts', {
      custom_attributes: { plan: 'free', seats: 2 },
    });
    const edited = await control('PATCH', `changes/contacts/${lead.id}`, {
      name: 'Bo',
      unsubscribed_from_emails: true,
      custom_attributes: { plan: 'pro' },
    });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({
      name: 'Bo',
      unsubscribed_from_emails: true,
      custom_attributes: { plan: 'pro', seats: 2 },
    });
    expect((await notification('contact.lead.updated')).data.item).toEqual(edited.body);

    const promoted = await control('PATCH', `changes/contacts/${lead.id}`, { role: 'user' });
    expect(promoted.body.role).toBe('user');
    expect((await notification('contact.user.updated')).data.item).toEqual(promoted.body);
  });

  it("keeps the store's uniqueness rules: 409 conflict, in the control API's shape", async () => {
    const { control } = await start();
    const { body: user } = await control('POST', 'changes/contacts', {
      role: 'user',
      email: 'taken@example.com',
    });
    const { body: other } = await control('POST', 'changes/contacts', { role: 'user' });
    const clash = await control('PATCH', `changes/contacts/${other.id}`, {
      email: 'taken@example.com',
    });
    expect(clash.status).toBe(409);
    expect(clash.body).toEqual({
      error: {
        code: 'conflict',
        message: `A contact matching those details already exists with id=${user.id}`,
      },
    });
  });

  it('refuses unknown contacts (404) and bad bodies (400)', async () => {
    const { control } = await start();
    const missing = await control('PATCH', 'changes/contacts/000000000000000000000000', {
      name: 'x',
    });
    expect(missing).toEqual({
      status: 404,
      body: { error: { code: 'not_found', message: 'User Not Found' } },
    });
    const { body: lead } = await control('POST', 'changes/contacts', {});
    const refusals = await Promise.all([
      control('PATCH', `changes/contacts/${lead.id}`, {}),
      control('PATCH', `changes/contacts/${lead.id}`, { avatar: 'x' }),
      control('PATCH', `changes/contacts/${lead.id}`, { role: 'admin' }),
      control('POST', 'changes/contacts', { email: 'not-an-email' }),
      control('POST', 'changes/contacts/merge', { from: lead.id }),
    ]);
    expect(refusals.map((r) => [r.status, r.body.error.code])).toEqual([
      [400, 'parameter_not_found'],
      [400, 'parameter_invalid'],
      [400, 'parameter_invalid'],
      [400, 'parameter_invalid'],
      [400, 'parameter_not_found'],
    ]);
  });

  it('archives (ids only), unarchives (updated) and deletes (ids only)', async () => {
    const { control, notification } = await start();
    const { body: user } = await control('POST', 'changes/contacts', {
      role: 'user',
      external_id: 'crm-a',
    });
    const reference = { type: 'contact', id: user.id, external_id: 'crm-a' };
    const archived = await control('POST', `changes/contacts/${user.id}/archive`);
    expect(archived.body.id).toBe(user.id);
    expect((await notification('contact.archived')).data.item).toEqual(reference);

    const unarchived = await control('POST', `changes/contacts/${user.id}/unarchive`);
    expect((await notification('contact.user.updated')).data.item).toEqual(unarchived.body);

    const deleted = await control('DELETE', `changes/contacts/${user.id}`);
    expect(deleted.body).toEqual({ ...reference, deleted: true });
    expect((await notification('contact.deleted')).data.item).toEqual(reference);
    expect((await control('GET', 'contacts')).body.deleted).toMatchObject([{ id: user.id }]);
  });

  it('merges a lead into a user: contact.merged carries merged_from', async () => {
    const { control, notification } = await start();
    const { body: lead } = await control('POST', 'changes/contacts', { phone: '+1555' });
    const { body: user } = await control('POST', 'changes/contacts', { role: 'user' });
    const merged = await control('POST', 'changes/contacts/merge', {
      from: lead.id,
      into: user.id,
    });
    expect(merged.body).toMatchObject({ id: user.id, phone: '+1555' });
    expect((await notification('contact.merged')).data.item).toEqual({
      ...merged.body,
      merged_from: { type: 'contact', id: lead.id, external_id: null },
    });
    const backwards = await control('POST', 'changes/contacts/merge', {
      from: user.id,
      into: user.id,
    });
    expect(backwards.status).toBe(400);
  });

  it('are neither journaled nor counted as API calls', async () => {
    const { control } = await start();
    await control('POST', 'changes/contacts', { email: 'quiet@example.com' });
    expect((await control('GET', 'journal')).body.entries).toEqual([]);
    expect((await control('GET', 'stats')).body.total).toBe(0);
  });
});
