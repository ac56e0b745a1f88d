import { IntercomClient } from 'intercom-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { simAdmin } from '../src/admins/sim-admin.ts';
import { buildSimulator, type Simulator } from '../src/app.ts';
import { apiCall, createManualClock, token, useListeningSimulators } from './helpers.ts';

describe('articles and help center collections', () => {
  let sim: Simulator;
  const clock = createManualClock();
  beforeEach(() => {
    sim = buildSimulator({ now: clock.now });
  });
  afterEach(() => sim.app.close());

  const post = (url: string, body: unknown) => apiCall(sim, { method: 'POST', url, body });

  it('creates an article in a collection', async () => {
    const collection = (await post('/help_center/collections', { name: 'Billing' })).json();
    expect(collection).toMatchObject({ name: 'Billing', help_center_id: 81, parent_id: null });
    const article = await post('/articles', {
      title: 'Refunds',
      author_id: Number(simAdmin.id),
      body: '<p>How</p>',
      state: 'published',
      parent_id: Number(collection.id),
    });
    expect(article.json()).toMatchObject({
      type: 'article',
      title: 'Refunds',
      author_id: Number(simAdmin.id),
      state: 'published',
      parent_id: Number(collection.id),
      parent_type: 'collection',
      workspace_id: 'simapp',
    });
  });

  it('refuses an article without title or author, or with an unknown author', async () => {
    const noAuthor = await post('/articles', { title: 'x' });
    expect(noAuthor.statusCode).toBe(400);
    expect(noAuthor.json().errors[0]).toEqual({
      code: 'parameter_not_found',
      message: 'author_id must be in the main body or default locale',
    });
    expect((await post('/articles', { author_id: Number(simAdmin.id) })).statusCode).toBe(400);
    expect((await post('/articles', { title: 'x', author_id: 1 })).statusCode).toBe(400);
  });

  it('lists articles newest update first, 25 per page by default', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      clock.advance(1_000);
      ids.push((await post('/articles', { title: `a${i}`, author_id: simAdmin.id })).json().id);
    }
    clock.advance(1_000);
    await apiCall(sim, { method: 'PUT', url: `/articles/${ids[0]}`, body: { title: 'edited' } });
    const list = (await apiCall(sim, { url: '/articles' })).json();
    expect(list.pages).toMatchObject({ page: 1, per_page: 25, total_pages: 1 });
    expect(list.data.map((a: { id: string }) => a.id)).toEqual([ids[0], ids[2], ids[1]]);
    const deleted = await apiCall(sim, { method: 'DELETE', url: `/articles/${ids[1]}` });
    expect(deleted.json()).toEqual({ id: ids[1], object: 'article', deleted: true });
    expect((await apiCall(sim, { url: `/articles/${ids[1]}` })).statusCode).toBe(404);
  });

  it('pages collections and exposes the one help center', async () => {
    for (let i = 0; i < 3; i++) await post('/help_center/collections', { name: `c${i}` });
    const second = (
      await apiCall(sim, { url: '/help_center/collections?per_page=2&page=2' })
    ).json();
    expect(second).toMatchObject({
      type: 'list',
      total_count: 3,
      pages: { page: 2, total_pages: 2 },
    });
    expect(second.data).toHaveLength(1);
    const centers = (await apiCall(sim, { url: '/help_center/help_centers' })).json();
    expect(centers.data[0].id).toBe('81');
  });
});

describe('articles through the SDK', () => {
  const listen = useListeningSimulators();

  it('creates articles and walks every page with the iterator', async () => {
    const running = await listen();
    const client = new IntercomClient({ token, baseUrl: running.baseUrl, maxRetries: 0 });
    for (let i = 0; i < 5; i++) {
      await client.articles.create({ title: `Article ${i}`, author_id: Number(simAdmin.id) });
    }
    const titles: string[] = [];
    for await (const article of await client.articles.list({ per_page: 2 }))
      titles.push(article.title ?? '');
    expect(titles.sort()).toEqual([
      'Article 0',
      'Article 1',
      'Article 2',
      'Article 3',
      'Article 4',
    ]);
    const collection = await client.helpCenters.collections.create({ name: 'Guides' });
    const collections: string[] = [];
    for await (const c of await client.helpCenters.collections.list()) collections.push(c.id);
    expect(collections).toEqual([collection.id]);
  });
});
