import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildSimulator, type Simulator } from '../src/app.ts';
import { apiCall, createManualClock } from './helpers.ts';

describe('control routes', () => {
  let sim: Simulator;
  const clock = createManualClock();
  beforeEach(() => {
    sim = buildSimulator({
      now: clock.now,
      seedContacts: [{ external_id: 'seeded', email: 'seed@example.com' }],
    });
  });
  afterEach(() => sim.app.close());

  const control = (method: 'GET' | 'POST' | 'DELETE', url: string) =>
    sim.app.inject({ method, url });

  it('journals API calls with method, path, status, safe headers and body', async () => {
    await apiCall(sim, {
      method: 'POST',
      url: '/contacts',
      body: { external_id: 'crm-1' },
      headers: { 'intercom-version': '2.13' },
    });
    await control('GET', '/__sim/stats');
    const { entries, dropped } = (await control('GET', '/__sim/journal')).json();
    expect(dropped).toBe(0);
    expect(entries).toEqual([
      {
        seq: 1,
        at: clock.now(),
        requestId: expect.any(String),
        method: 'POST',
        path: '/contacts',
        route: '/contacts',
        status: 200,
        appId: 'simapp',
        version: '2.13',
        outcome: null,
        headers: {
          authorization: 'Bearer sim-… (9 chars)',
          'intercom-version': '2.13',
          'content-type': 'application/json',
          'user-agent': 'lightMyRequest',
        },
        body: { external_id: 'crm-1' },
      },
    ]);
  });

  it('lists journal entries after a sequence number, and clears the journal', async () => {
    await apiCall(sim, { url: '/me' });
    await apiCall(sim, { url: '/admins' });
    const since = (await control('GET', '/__sim/journal?since=1')).json();
    expect(since.entries.map((e: { path: string }) => e.path)).toEqual(['/admins']);
    expect((await control('DELETE', '/__sim/journal')).statusCode).toBe(204);
    expect((await control('GET', '/__sim/journal')).json().entries).toEqual([]);
  });

  it('keeps only journalLimit entries', async () => {
    const small = buildSimulator({ journalLimit: 2 });
    for (const url of ['/me', '/admins', '/me']) await apiCall(small, { url });
    const journal = small.state.journal.list();
    expect(journal.entries.map((e) => e.seq)).toEqual([2, 3]);
    expect(journal.dropped).toBe(1);
    await small.app.close();
  });

  it('resets contacts, journal, stats and faults, keeping the seed', async () => {
    await apiCall(sim, { method: 'POST', url: '/contacts', body: { external_id: 'crm-1' } });
    await apiCall(sim, { method: 'POST', url: '/companies', body: { company_id: 'acme' } });
    await apiCall(sim, { method: 'POST', url: '/tags', body: { name: 'vip' } });
    await apiCall(sim, { method: 'POST', url: '/help_center/collections', body: { name: 'c' } });
    await apiCall(sim, {
      method: 'POST',
      url: '/articles',
      body: { title: 'a', author_id: '991200001' },
    });
    const seeded = sim.state.contacts.findByExternalId('seeded');
    await sim.app.inject({
      method: 'POST',
      url: '/__sim/conversations',
      payload: { contact_id: seeded?.id },
    });
    await sim.app.inject({ method: 'POST', url: '/__sim/faults', payload: { outage: true } });
    expect((await control('POST', '/__sim/reset')).statusCode).toBe(204);
    const { state } = sim;
    const leftovers = [
      [...state.companies.all()],
      state.tags.all(),
      state.collections.all(),
      state.articles.all(),
      [...state.conversations.all()],
    ];
    expect(leftovers.map((items) => items.length)).toEqual([0, 0, 0, 0, 0]);
    const contacts = (await control('GET', '/__sim/contacts')).json();
    expect(
      contacts.contacts.map((c: { contact: { external_id: string } }) => c.contact.external_id),
    ).toEqual(['seeded']);
    expect((await control('GET', '/__sim/stats')).json()).toMatchObject({ total: 0, calls: {} });
    expect((await control('GET', '/__sim/faults')).json()).toEqual({ faults: {} });
    expect((await apiCall(sim, { url: '/me' })).statusCode).toBe(200);
  });

  it('lists deleted contacts with their write counts', async () => {
    const contact = (
      await apiCall(sim, { method: 'POST', url: '/contacts', body: { external_id: 'crm-1' } })
    ).json();
    await apiCall(sim, { method: 'DELETE', url: `/contacts/${contact.id}` });
    const view = (await control('GET', '/__sim/contacts')).json();
    expect(view.deleted).toEqual([
      {
        id: contact.id,
        external_id: 'crm-1',
        deleted_at: Math.floor(clock.now() / 1000),
        writes: 2,
      },
    ]);
  });

  it('reports stats by endpoint and status, rate-limit windows and webhooks', async () => {
    await apiCall(sim, { url: '/contacts/0123456789abcdef01234567' });
    await apiCall(sim, { url: '/me', token: 'bad' });
    const stats = (await control('GET', '/__sim/stats')).json();
    expect(stats).toMatchObject({
      total: 2,
      calls: { 'GET /contacts/:contact_id': { '404': 1 }, 'GET /me': { '401': 1 } },
      rateLimit: {
        windowMs: 10_000,
        appLimit: 1666,
        workspaceLimit: 4166,
        current: { workspaceUsed: 1 },
      },
      webhooks: { emitted: 0, sent: 0, failed: 0, dropped: 0 },
    });
  });
});
