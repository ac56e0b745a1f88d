import { IntercomClient } from 'intercom-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildSimulator, type Simulator } from '../src/app.ts';
import { apiCall, token, useListeningSimulators } from './helpers.ts';

describe('companies', () => {
  let sim: Simulator;
  beforeEach(() => {
    sim = buildSimulator();
  });
  afterEach(() => sim.app.close());

  const upsert = (body: unknown) => apiCall(sim, { method: 'POST', url: '/companies', body });
  const newContact = async (externalId: string) =>
    (
      await apiCall(sim, { method: 'POST', url: '/contacts', body: { external_id: externalId } })
    ).json();

  it('creates by company_id, then updates the same company', async () => {
    const created = (
      await upsert({ company_id: 'acme', name: 'Acme', plan: 'pro', monthly_spend: 155.98 })
    ).json();
    expect(created).toMatchObject({
      type: 'company',
      company_id: 'acme',
      app_id: 'simapp',
      name: 'Acme',
      monthly_spend: 155,
      user_count: 0,
      plan: { type: 'plan', name: 'pro' },
      tags: { type: 'tag.list', tags: [] },
    });
    expect(created.id).toMatch(/^[0-9a-f]{24}$/);
    const updated = (await upsert({ company_id: 'acme', industry: 'anvils' })).json();
    expect(updated).toMatchObject({ id: created.id, name: 'Acme', industry: 'anvils' });
    expect([...sim.state.companies.all()]).toHaveLength(1);
  });

  it('needs a company_id', async () => {
    const response = await upsert({ name: 'No id' });
    expect(response.statusCode).toBe(400);
    expect(response.json().errors[0].code).toBe('parameter_not_found');
  });

  it('finds a company by company_id or answers 404 company_not_found', async () => {
    const created = (await upsert({ company_id: 'acme' })).json();
    const found = (await apiCall(sim, { url: '/companies?company_id=acme' })).json();
    expect(found).toMatchObject({ type: 'list', total_count: 1, data: [{ id: created.id }] });
    const missing = await apiCall(sim, { url: '/companies?company_id=nope' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().errors[0]).toEqual({
      code: 'company_not_found',
      message: 'Company Not Found',
    });
  });

  it('attaches and detaches contacts, counting users', async () => {
    const company = (await upsert({ company_id: 'acme' })).json();
    const contact = await newContact('crm-1');
    const attach = () =>
      apiCall(sim, {
        method: 'POST',
        url: `/contacts/${contact.id}/companies`,
        body: { id: company.id },
      });
    expect((await attach()).json().user_count).toBe(1);
    expect((await attach()).json().user_count).toBe(1);
    const listed = (await apiCall(sim, { url: `/contacts/${contact.id}/companies` })).json();
    expect(listed.companies.map((c: { id: string }) => c.id)).toEqual([company.id]);
    const members = (await apiCall(sim, { url: `/companies/${company.id}/contacts` })).json();
    expect(members.data.map((c: { id: string }) => c.id)).toEqual([contact.id]);
    const fetched = (await apiCall(sim, { url: `/contacts/${contact.id}` })).json();
    expect(fetched.companies.data).toEqual([
      { type: 'company', id: company.id, url: `/companies/${company.id}` },
    ]);

    const detached = await apiCall(sim, {
      method: 'DELETE',
      url: `/contacts/${contact.id}/companies/${company.id}`,
    });
    expect(detached.json().user_count).toBe(0);
    expect(sim.state.contacts.writeCount(contact.id)).toBe(3);
  });

  it('answers 404 when attaching an unknown company and 400 without an id', async () => {
    const contact = await newContact('crm-1');
    const url = `/contacts/${contact.id}/companies`;
    const unknown = await apiCall(sim, {
      method: 'POST',
      url,
      body: { id: '0123456789abcdef01234567' },
    });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().errors[0].code).toBe('company_not_found');
    const missing = await apiCall(sim, { method: 'POST', url, body: {} });
    expect(missing.json().errors[0]).toEqual({
      code: 'parameter_not_found',
      message: 'company not specified',
    });
  });

  it('deletes a company, detaching its contacts', async () => {
    const company = (await upsert({ company_id: 'acme' })).json();
    const contact = await newContact('crm-1');
    await apiCall(sim, {
      method: 'POST',
      url: `/contacts/${contact.id}/companies`,
      body: { id: company.id },
    });
    const deleted = await apiCall(sim, { method: 'DELETE', url: `/companies/${company.id}` });
    expect(deleted.json()).toEqual({ id: company.id, object: 'company', deleted: true });
    expect((await apiCall(sim, { url: `/contacts/${contact.id}` })).json().companies.data).toEqual(
      [],
    );
  });

  it('lists companies page by page', async () => {
    for (let i = 0; i < 3; i++) await upsert({ company_id: `c${i}` });
    const page = (await apiCall(sim, { url: '/companies?per_page=2&page=2' })).json();
    expect(page).toMatchObject({
      type: 'list',
      total_count: 3,
      pages: { page: 2, per_page: 2, total_pages: 2 },
    });
    expect(page.data.map((c: { company_id: string }) => c.company_id)).toEqual(['c2']);
  });
});

describe('companies through the SDK', () => {
  const listen = useListeningSimulators();

  it('creates or updates a company and attaches a contact', async () => {
    const running = await listen();
    const client = new IntercomClient({ token, baseUrl: running.baseUrl, maxRetries: 0 });
    const company = await client.companies.createOrUpdate({ company_id: 'acme', name: 'Acme' });
    const contact = await client.contacts.create({ external_id: 'crm-1' });
    const attached = await client.companies.attachContact({
      contact_id: contact.id,
      id: company.id,
    });
    expect(attached.user_count).toBe(1);
  });
});
