import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildSimulator, type Simulator } from '../src/app.ts';
import { apiCall, createManualClock } from './helpers.ts';

describe('contact search', () => {
  let sim: Simulator;
  const clock = createManualClock();
  beforeEach(() => {
    sim = buildSimulator({ now: clock.now, searchLagMs: 30_000 });
  });
  afterEach(() => sim.app.close());

  const search = (body: unknown) => apiCall(sim, { method: 'POST', url: '/contacts/search', body });
  const byExternalId = (value: string) =>
    search({ query: { field: 'external_id', operator: '=', value } });

  it('shows new contacts only after the search lag, as Intercom does', async () => {
    const created = await apiCall(sim, {
      method: 'POST',
      url: '/contacts',
      body: { external_id: 'x' },
    });
    expect((await byExternalId('x')).json().total_count).toBe(0);
    clock.advance(29_999);
    expect((await byExternalId('x')).json().total_count).toBe(0);
    clock.advance(1);
    expect((await byExternalId('x')).json().data[0].id).toBe(created.json().id);
  });

  it('keeps showing the old version of an updated contact until the lag passes', async () => {
    const id = (
      await apiCall(sim, { method: 'POST', url: '/contacts', body: { external_id: 'x' } })
    ).json().id;
    clock.advance(30_000);
    await apiCall(sim, { method: 'PUT', url: `/contacts/${id}`, body: { name: 'New' } });
    expect((await byExternalId('x')).json().data[0].name).toBeNull();
    clock.advance(30_000);
    expect((await byExternalId('x')).json().data[0].name).toBe('New');
  });

  it('shows seeded contacts at once', async () => {
    const seeded = buildSimulator({
      now: clock.now,
      searchLagMs: 30_000,
      seedContacts: [
        { external_id: 'seed-1', email: 's@example.com', id: 'aaaaaaaaaaaaaaaaaaaaaaaa' },
      ],
    });
    const response = await apiCall(seeded, {
      method: 'POST',
      url: '/contacts/search',
      body: { query: { field: 'email', operator: '=', value: 's@example.com' } },
    });
    expect(response.json().data[0].id).toBe('aaaaaaaaaaaaaaaaaaaaaaaa');
    await seeded.app.close();
  });

  it('answers 400 for per_page over 150, a bad cursor or a missing query', async () => {
    const query = { field: 'role', operator: '=', value: 'user' };
    expect((await search({ query, pagination: { per_page: 151 } })).statusCode).toBe(400);
    expect((await search({ query, pagination: { per_page: 150 } })).statusCode).toBe(200);
    expect((await search({ query, pagination: { starting_after: 'garbage' } })).statusCode).toBe(
      400,
    );
    expect((await search({ pagination: {} })).statusCode).toBe(400);
  });

  it('sorts by a field when asked, paging stably', async () => {
    const noLag = buildSimulator({ now: clock.now });
    for (const [externalId, seats] of [
      ['a', 3],
      ['b', 1],
      ['c', 2],
    ] as const) {
      await apiCall(noLag, {
        method: 'POST',
        url: '/contacts',
        body: { external_id: externalId, custom_attributes: { seats } },
      });
    }
    const body = (startingAfter?: string) => ({
      query: { field: 'role', operator: '=', value: 'user' },
      sort: { field: 'custom_attributes.seats', order: 'descending' },
      pagination: { per_page: 2, starting_after: startingAfter },
    });
    const first = (
      await apiCall(noLag, { method: 'POST', url: '/contacts/search', body: body() })
    ).json();
    expect(first.data.map((c: { external_id: string }) => c.external_id)).toEqual(['a', 'c']);
    const cursor = first.pages.next.starting_after;
    const second = (
      await apiCall(noLag, { method: 'POST', url: '/contacts/search', body: body(cursor) })
    ).json();
    expect(second.data.map((c: { external_id: string }) => c.external_id)).toEqual(['b']);
    await noLag.app.close();
  });

  it('lists contacts at once with GET /contacts, without the search lag or archived ones', async () => {
    for (const externalId of ['a', 'b', 'c']) {
      await apiCall(sim, { method: 'POST', url: '/contacts', body: { external_id: externalId } });
    }
    const archived = sim.state.contacts.findByExternalId('b');
    await apiCall(sim, { method: 'POST', url: `/contacts/${archived?.id}/archive` });
    const first = (await apiCall(sim, { url: '/contacts?per_page=1' })).json();
    expect(first).toMatchObject({ type: 'list', total_count: 2 });
    const cursor = encodeURIComponent(first.pages.next.starting_after);
    const second = (
      await apiCall(sim, { url: `/contacts?per_page=1&starting_after=${cursor}` })
    ).json();
    expect([first.data[0].external_id, second.data[0].external_id]).toEqual(['a', 'c']);
  });
});
