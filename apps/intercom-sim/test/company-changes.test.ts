import { describe, expect, it } from 'vitest';
import { useChangeHarness } from './change-harness.ts';

/** Companies made, renamed and deleted on Intercom's side, through `/__sim/changes/companies`. */
describe('company changes', () => {
  const start = useChangeHarness();

  it('creates, then updates by company_id: company.created, company.updated', async () => {
    const { control, notification } = await start();
    const created = await control('POST', 'changes/companies', {
      company_id: 'acme',
      name: 'Acme',
      plan: 'pro',
      size: 40,
      website: 'https://acme.test',
      industry: 'Anvils',
      monthly_spend: 99.9,
      custom_attributes: { tier: 'gold' },
    });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({
      type: 'company',
      company_id: 'acme',
      name: 'Acme',
      plan: { type: 'plan', name: 'pro' },
      size: 40,
      monthly_spend: 99,
      custom_attributes: { tier: 'gold' },
    });
    expect((await notification('company.created')).data.item).toEqual(created.body);

    const again = await control('POST', 'changes/companies', {
      company_id: 'acme',
      custom_attributes: { region: 'eu' },
    });
    expect(again.body).toMatchObject({
      id: created.body.id,
      name: 'Acme',
      custom_attributes: { tier: 'gold', region: 'eu' },
    });
    expect((await notification('company.updated')).data.item).toEqual(again.body);
  });

  it('renames by Intercom id; company_id cannot change', async () => {
    const { control, received } = await start();
    const { body: company } = await control('POST', 'changes/companies', { company_id: 'ini' });
    const renamed = await control('PATCH', `changes/companies/${company.id}`, { name: 'Initech' });
    expect(renamed.body).toMatchObject({ id: company.id, name: 'Initech', company_id: 'ini' });
    await expect
      .poll(() => received.filter((r) => r.body.topic === 'company.updated').at(-1)?.body)
      .toMatchObject({ data: { item: renamed.body } });
    const moved = await control('PATCH', `changes/companies/${company.id}`, { company_id: 'x' });
    expect([moved.status, moved.body.error.code]).toEqual([400, 'parameter_invalid']);
    const missing = await control('PATCH', 'changes/companies/000000000000000000000000', {
      name: 'x',
    });
    expect([missing.status, missing.body.error.code]).toEqual([404, 'company_not_found']);
    const anonymous = await control('POST', 'changes/companies', { name: 'No id' });
    expect([anonymous.status, anonymous.body.error.code]).toEqual([400, 'parameter_not_found']);
  });

  it('deletes: contacts detached first, then company.deleted with ids only', async () => {
    const { control, notification, topics } = await start();
    const { body: company } = await control('POST', 'changes/companies', { company_id: 'gone' });
    const { body: user } = await control('POST', 'changes/contacts', { role: 'user' });
    await control('POST', `changes/contacts/${user.id}/companies`, { company_id: company.id });
    const deleted = await control('DELETE', `changes/companies/${company.id}`);
    expect(deleted.body).toEqual({ id: company.id, object: 'company', deleted: true });
    expect((await notification('company.deleted')).data.item).toEqual({
      type: 'company',
      id: company.id,
      company_id: 'gone',
    });
    expect(topics()).toContain('company.contact.detached');
    const { body: contacts } = await control('GET', 'contacts');
    expect(contacts.contacts[0].contact.companies.total_count).toBe(0);
  });
});
