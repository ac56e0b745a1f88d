import { afterEach, describe, expect, it } from 'vitest';
import { buildSimulator, type Simulator } from '../src/app.ts';
import { parseSeedFile } from '../src/seed/seed-file.ts';
import { apiCall } from './helpers.ts';

const fixture = {
  tags: ['vip'],
  companies: [{ company_id: 'acme', name: 'Acme', plan: 'pro' }],
  contacts: [
    {
      id: '65a0c0ffee0000000000abcd',
      external_id: 'crm-1',
      email: 'ada@example.com',
      created_at: 1_700_000_000,
      companies: ['acme'],
      tags: ['vip', 'beta'],
    },
    { role: 'lead', email: 'lead@example.com' },
  ],
};

describe('seeding the state', () => {
  let sim: Simulator | undefined;
  afterEach(() => sim?.app.close());

  it('loads tags, companies and contacts with their relations, without webhooks', async () => {
    sim = buildSimulator({ seed: parseSeedFile(fixture) });
    const contact = (await apiCall(sim, { url: '/contacts/65a0c0ffee0000000000abcd' })).json();
    expect(contact).toMatchObject({ external_id: 'crm-1', created_at: 1_700_000_000 });
    expect(contact.tags.data.map((t: { id: string }) => t.id)).toHaveLength(2);

    const tags = (await apiCall(sim, { url: '/tags' })).json();
    expect(tags.data.map((t: { name: string }) => t.name)).toEqual(['vip', 'beta']);
    const company = (await apiCall(sim, { url: '/companies?company_id=acme' })).json().data[0];
    expect(company).toMatchObject({ name: 'Acme', user_count: 1, plan: { name: 'pro' } });

    const byCompany = await apiCall(sim, {
      method: 'POST',
      url: '/contacts/search',
      body: { query: { field: 'company_id', operator: '=', value: company.id } },
    });
    expect(byCompany.json().data.map((c: { id: string }) => c.id)).toEqual([contact.id]);
    expect(sim.state.webhooks.stats().emitted).toBe(0);
    expect(sim.state.contacts.writeCount(contact.id)).toBe(1);
  });

  it('comes back on reset', async () => {
    sim = buildSimulator({ seed: parseSeedFile(fixture) });
    await apiCall(sim, { method: 'DELETE', url: '/contacts/65a0c0ffee0000000000abcd' });
    await sim.app.inject({ method: 'POST', url: '/__sim/reset' });
    const again = await apiCall(sim, { url: '/contacts/65a0c0ffee0000000000abcd' });
    expect(again.statusCode).toBe(200);
    expect((await apiCall(sim, { url: '/companies' })).json().total_count).toBe(1);
  });

  it('accepts a bare contact array and names the record a problem is in', () => {
    expect(parseSeedFile([{ external_id: 'x' }])).toEqual({
      contacts: [{ external_id: 'x' }],
      companies: [],
      tags: [],
    });
    expect(() => parseSeedFile({ tags: [1] })).toThrow('tags must be an array of names');
    const unknownCompany = { contacts: [{ external_id: 'x', companies: ['nope'] }] };
    expect(() => buildSimulator({ seed: parseSeedFile(unknownCompany) })).toThrow(
      'seed contact 0: no seeded company has company_id nope',
    );
    expect(() => buildSimulator({ seed: { companies: [{ name: 'no id' }] as never } })).toThrow(
      'seed company 0: company_id is required',
    );
  });
});
