import { describe, expect, it } from 'vitest';
import { simAdmin } from '../src/admins/sim-admin.ts';
import { sdkErrorOf, useSdk } from './sdk/sdk-harness.ts';

describe('articles, collections and help centers through the real intercom-client SDK', () => {
  const sdk = useSdk('helpCenter');
  const author_id = Number(simAdmin.id);

  it('lists and finds the help center', async () => {
    const { client } = sdk;
    const helpCenters = await client.helpCenters.list();
    const ids: string[] = [];
    for await (const helpCenter of helpCenters) ids.push(helpCenter.id ?? '');
    expect(ids).toHaveLength(1);
    const found = await client.helpCenters.find({ help_center_id: Number(ids[0]) });
    expect(found.display_name).toBe('Help Center');
    const error = await sdkErrorOf(client.helpCenters.find({ help_center_id: 1 }));
    expect(error.statusCode).toBe(404);
  });

  it('creates, lists, finds, updates and deletes collections', async () => {
    const { collections } = sdk.client.helpCenters;
    const guides = await collections.create({ name: 'Guides', description: 'How-tos' });
    expect(guides).toMatchObject({ name: 'Guides', description: 'How-tos', parent_id: null });
    const nested = await collections.create({ name: 'Setup', parent_id: guides.id });
    expect(nested.parent_id).toBe(guides.id);

    const names: string[] = [];
    for await (const collection of await collections.list({ per_page: 1 })) {
      names.push(collection.name);
    }
    expect(names).toEqual(['Guides', 'Setup']);
    const collection_id = Number(guides.id);
    expect((await collections.find({ collection_id })).name).toBe('Guides');
    const renamed = await collections.update({ collection_id, name: 'Manuals' });
    expect(renamed.name).toBe('Manuals');
    const deleted = await collections.delete({ collection_id: Number(nested.id) });
    expect(deleted).toEqual({ id: nested.id, object: 'collection', deleted: true });
  });

  it('creates, pages through, finds, updates and deletes articles', async () => {
    const { client } = sdk;
    const collection = await client.helpCenters.collections.create({ name: 'Articles home' });
    const first = await client.articles.create({
      title: 'Getting started',
      body: '<p>Welcome</p>',
      author_id,
      state: 'published',
      parent_id: Number(collection.id),
      parent_type: 'collection',
    });
    expect(first).toMatchObject({
      type: 'article',
      title: 'Getting started',
      state: 'published',
      parent_id: Number(collection.id),
      statistics: { type: 'article_statistics', views: 0 },
    });
    const second = await client.articles.create({ title: 'FAQ', author_id });
    expect(second.state).toBe('draft');

    const titles: string[] = [];
    for await (const article of await client.articles.list({ per_page: 1 })) {
      titles.push(article.title ?? '');
    }
    expect(titles.sort()).toEqual(['FAQ', 'Getting started']);
    const article_id = Number(first.id);
    expect((await client.articles.find({ article_id })).title).toBe('Getting started');
    const updated = await client.articles.update({ article_id, title: 'Start here' });
    expect(updated.title).toBe('Start here');
    const deleted = await client.articles.delete({ article_id: Number(second.id) });
    expect(deleted).toEqual({ id: second.id, object: 'article', deleted: true });
    const error = await sdkErrorOf(client.articles.find({ article_id: Number(second.id) }));
    expect(error.statusCode).toBe(404);
  });

  sdk.checkRoutesCalled();
});
