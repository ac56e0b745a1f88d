import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildSimulator, type Simulator } from '../src/app.ts';
import { apiCall, createManualClock } from './helpers.ts';

describe('contacts', () => {
  let sim: Simulator;
  const clock = createManualClock();
  beforeEach(() => {
    sim = buildSimulator({ now: clock.now });
  });
  afterEach(() => sim.app.close());

  const create = (body: unknown) => apiCall(sim, { method: 'POST', url: '/contacts', body });

  it('creates a user shaped like the OpenAPI contact schema', async () => {
    const response = await create({ external_id: 'crm-1', email: 'Ada@Example.com', name: 'Ada' });
    expect(response.statusCode).toBe(200);
    const contact = response.json();
    expect(contact).toMatchObject({
      type: 'contact',
      workspace_id: 'simapp',
      external_id: 'crm-1',
      role: 'user',
      email: 'Ada@Example.com',
      email_domain: 'Example.com',
      name: 'Ada',
      phone: null,
      custom_attributes: {},
      created_at: Math.floor(clock.now() / 1000),
      updated_at: Math.floor(clock.now() / 1000),
      tags: { type: 'list', data: [], url: `/contacts/${contact.id}/tags` },
      location: { type: 'location' },
    });
    expect(contact.id).toMatch(/^[0-9a-f]{24}$/);
  });

  it('needs one of email, external_id or role', async () => {
    const response = await create({ name: 'Nobody' });
    expect(response.statusCode).toBe(400);
    expect(response.json().errors[0].code).toBe('parameter_not_found');
    expect((await create({ role: 'lead' })).json().role).toBe('lead');
    expect((await create({ role: 'admin' })).statusCode).toBe(400);
  });

  it('answers 409 with the existing id for a duplicate external_id or user email', async () => {
    const first = (await create({ external_id: 'crm-1', email: 'a@example.com' })).json();
    for (const body of [{ external_id: 'crm-1' }, { email: 'A@example.com' }]) {
      const duplicate = await create(body);
      expect(duplicate.statusCode).toBe(409);
      expect(duplicate.json().errors).toEqual([
        {
          code: 'conflict',
          message: `A contact matching those details already exists with id=${first.id}`,
        },
      ]);
    }
    expect((await create({ email: 'a@example.com', role: 'lead' })).statusCode).toBe(200);
  });

  it('says "An archived contact" when the duplicate is archived', async () => {
    const first = (await create({ external_id: 'crm-1' })).json();
    await apiCall(sim, { method: 'POST', url: `/contacts/${first.id}/archive` });
    const duplicate = await create({ external_id: 'crm-1' });
    expect(duplicate.statusCode).toBe(409);
    expect(duplicate.json().errors[0].message).toBe(
      `An archived contact matching those details already exists with id=${first.id}`,
    );
  });

  it('reads, updates (merging custom attributes) and deletes', async () => {
    const created = (
      await create({ external_id: 'crm-1', custom_attributes: { plan: 'pro' } })
    ).json();
    const url = `/contacts/${created.id}`;
    expect((await apiCall(sim, { url })).json()).toEqual(created);

    clock.advance(2_000);
    const updated = await apiCall(sim, {
      method: 'PUT',
      url,
      body: { name: 'Ada', custom_attributes: { seats: 3 } },
    });
    expect(updated.json()).toMatchObject({
      name: 'Ada',
      custom_attributes: { plan: 'pro', seats: 3 },
      updated_at: created.updated_at + 2,
    });

    const deleted = await apiCall(sim, { method: 'DELETE', url });
    expect(deleted.json()).toEqual({
      type: 'contact',
      id: created.id,
      external_id: 'crm-1',
      deleted: true,
    });
    expect((await apiCall(sim, { url })).statusCode).toBe(404);
    expect((await apiCall(sim, { method: 'DELETE', url })).json().errors[0].code).toBe('not_found');
  });

  it('refuses an update that takes another contact external_id', async () => {
    const a = (await create({ external_id: 'a' })).json();
    await create({ external_id: 'b' });
    const response = await apiCall(sim, {
      method: 'PUT',
      url: `/contacts/${a.id}`,
      body: { external_id: 'b' },
    });
    expect(response.statusCode).toBe(409);
  });

  it('answers 400 parameter_invalid for wrongly typed fields', async () => {
    const response = await create({ external_id: 'a', custom_attributes: { nested: { no: 1 } } });
    expect(response.statusCode).toBe(400);
    expect(response.json().errors[0].code).toBe('parameter_invalid');
    expect((await create({ email: 'not-an-email' })).statusCode).toBe(400);
  });

  it('searches by external_id with per_page and a cursor', async () => {
    for (let i = 0; i < 3; i++)
      await create({ external_id: `crm-${i}`, custom_attributes: { n: i } });
    const query = { field: 'external_id', operator: '^', value: 'crm-' };
    const search = (pagination: object) =>
      apiCall(sim, { method: 'POST', url: '/contacts/search', body: { query, pagination } });

    const first = (await search({ per_page: 2 })).json();
    expect(first).toMatchObject({ type: 'list', total_count: 3 });
    expect(first.data.map((c: { external_id: string }) => c.external_id)).toEqual([
      'crm-0',
      'crm-1',
    ]);
    expect(first.pages).toMatchObject({ type: 'pages', page: 1, per_page: 2, total_pages: 2 });

    const second = (
      await search({ per_page: 2, starting_after: first.pages.next.starting_after })
    ).json();
    expect(second.data.map((c: { external_id: string }) => c.external_id)).toEqual(['crm-2']);
    expect(second.pages.page).toBe(2);
    expect(second.pages.next).toBeUndefined();

    const exact = await apiCall(sim, {
      method: 'POST',
      url: '/contacts/search',
      body: { query: { field: 'external_id', operator: '=', value: 'crm-1' } },
    });
    expect(exact.json().data).toHaveLength(1);
    expect(exact.json().pages.per_page).toBe(50);
  });

  it('finds a user by external id, not a lead', async () => {
    const user = (await create({ external_id: 'u' })).json();
    await create({ external_id: 'l', role: 'lead' });
    const found = await apiCall(sim, { url: '/contacts/find_by_external_id/u' });
    expect(found.json().id).toBe(user.id);
    expect((await apiCall(sim, { url: '/contacts/find_by_external_id/l' })).statusCode).toBe(404);
  });

  it('archives and unarchives', async () => {
    const contact = (await create({ external_id: 'crm-1' })).json();
    const archived = await apiCall(sim, { method: 'POST', url: `/contacts/${contact.id}/archive` });
    expect(archived.json()).toEqual({
      type: 'contact',
      id: contact.id,
      external_id: 'crm-1',
      archived: true,
    });
    const search = () =>
      apiCall(sim, {
        method: 'POST',
        url: '/contacts/search',
        body: { query: { field: 'external_id', operator: '=', value: 'crm-1' } },
      });
    expect((await search()).json().total_count).toBe(0);
    const unarchived = await apiCall(sim, {
      method: 'POST',
      url: `/contacts/${contact.id}/unarchive`,
    });
    expect(unarchived.json().archived).toBe(false);
    expect((await search()).json().total_count).toBe(1);
  });

  it('merges a lead into a user; the lead is gone afterwards', async () => {
    const lead = (
      await create({ role: 'lead', email: 'l@example.com', custom_attributes: { a: 1 } })
    ).json();
    const user = (await create({ external_id: 'u', custom_attributes: { b: 2 } })).json();
    const merged = await apiCall(sim, {
      method: 'POST',
      url: '/contacts/merge',
      body: { from: lead.id, into: user.id },
    });
    expect(merged.json()).toMatchObject({
      id: user.id,
      email: 'l@example.com',
      custom_attributes: { a: 1, b: 2 },
    });
    expect((await apiCall(sim, { url: `/contacts/${lead.id}` })).statusCode).toBe(404);
    const backwards = await apiCall(sim, {
      method: 'POST',
      url: '/contacts/merge',
      body: { from: user.id, into: user.id },
    });
    expect(backwards.statusCode).toBe(400);
  });

  it('counts writes per contact in /__sim/contacts', async () => {
    const contact = (await create({ external_id: 'crm-1' })).json();
    await apiCall(sim, { method: 'PUT', url: `/contacts/${contact.id}`, body: { name: 'x' } });
    await create({ external_id: 'crm-1' });
    const view = (await sim.app.inject({ url: '/__sim/contacts' })).json();
    expect(view.total_count).toBe(1);
    expect(view.contacts[0]).toMatchObject({ writes: 2, archived: false, contact: { name: 'x' } });
  });
});
