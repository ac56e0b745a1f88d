import { describe, expect, it } from 'vitest';
import { sdkErrorOf, useSdk } from './sdk/sdk-harness.ts';

describe('companies through the real intercom-client SDK', () => {
  const sdk = useSdk('companies');

  it('creates or updates by company_id, finds, retrieves, updates and deletes', async () => {
    const { client } = sdk;
    const created = await client.companies.createOrUpdate({ company_id: 'acme', name: 'Acme' });
    expect(created).toMatchObject({ type: 'company', company_id: 'acme', name: 'Acme' });
    const upserted = await client.companies.createOrUpdate({ company_id: 'acme', plan: 'pro' });
    expect(upserted.id).toBe(created.id);
    expect(upserted.plan?.name).toBe('pro');

    expect((await client.companies.find({ company_id: created.id })).name).toBe('Acme');
    const retrieved = await client.companies.retrieve({ company_id: 'acme' });
    expect(retrieved.type).toBe('list');
    if (retrieved.type === 'list') expect(retrieved.data?.map((c) => c.id)).toEqual([created.id]);
    const all = await client.companies.retrieve();
    expect(all.type === 'list' ? all.total_count : undefined).toBe(1);

    const updated = await client.companies.update({
      company_id: created.id,
      body: { industry: 'anvils' },
    });
    expect(updated.industry).toBe('anvils');
    const deleted = await client.companies.delete({ company_id: created.id });
    expect(deleted).toEqual({ id: created.id, object: 'company', deleted: true });
    const error = await sdkErrorOf(client.companies.find({ company_id: created.id }));
    expect(error.statusCode).toBe(404);
  });

  it('attaches and detaches a contact, listing either side', async () => {
    const { client } = sdk;
    const company = await client.companies.createOrUpdate({ company_id: 'globex' });
    const contact = await client.contacts.create({ external_id: 'member' });
    const attached = await client.companies.attachContact({
      contact_id: contact.id,
      id: company.id,
    });
    expect(attached).toMatchObject({ id: company.id, user_count: 1 });

    const companiesOfContact = await client.contacts.listAttachedCompanies({
      contact_id: contact.id,
    });
    const companyIds: string[] = [];
    for await (const c of companiesOfContact) companyIds.push(c.id);
    expect(companyIds).toEqual([company.id]);
    const members = await client.companies.listAttachedContacts({ company_id: company.id });
    expect(members.data?.map((c) => c.id)).toEqual([contact.id]);

    const detached = await client.companies.detachContact({
      contact_id: contact.id,
      company_id: company.id,
    });
    expect(detached).toMatchObject({ id: company.id, user_count: 0 });
    const after = await client.companies.listAttachedContacts({ company_id: company.id });
    expect(after.data).toEqual([]);
  });

  it('scrolls over every company until the empty page, one scroll at a time', async () => {
    const { client } = sdk;
    const first = await client.companies.scroll();
    const param = first.response?.scroll_param;
    expect(param).toBeTruthy();
    expect(first.data.map((c) => c.company_id)).toEqual(['globex']);
    const busy = await sdkErrorOf(client.companies.scroll());
    expect(busy.statusCode).toBe(400);
    const end = await client.companies.scroll({ scroll_param: param ?? '' });
    expect(end.data).toEqual([]);
    const expired = await sdkErrorOf(client.companies.scroll({ scroll_param: param ?? '' }));
    expect(expired.statusCode).toBe(404);
  });

  sdk.checkRoutesCalled();
});
