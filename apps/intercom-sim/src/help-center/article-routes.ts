import type { FastifyInstance } from 'fastify';
import { simAdmin } from '../admins/sim-admin.ts';
import { notFound, parameterInvalid, parameterNotFound } from '../http/intercom-error.ts';
import { type PageQuery, pageList } from '../http/page-list.ts';
import type { SimulatorState } from '../state.ts';
import type { Article } from './help-center-stores.ts';

type ArticleParams = { Params: { article_id: string } };
const editable = ['title', 'description', 'body', 'author_id', 'state', 'parent_id', 'parent_type'];

/** Nobody reads simulated articles: their statistics stay at zero. */
const noStatistics = {
  type: 'article_statistics',
  views: 0,
  conversions: 0,
  reactions: 0,
  happy_reaction_percentage: 0,
  neutral_reaction_percentage: 0,
  sad_reaction_percentage: 0,
} as const;

/** One article as `article` (list items are `article_list_item`, without statistics). */
const articleView = (article: Article) => ({ ...article, statistics: noStatistics });

/** Articles: create, list (newest update first, 25 per page), read, update, delete. */
export function registerArticleRoutes(app: FastifyInstance, state: SimulatorState): void {
  const { articles, collections } = state;
  const nowSeconds = () => Math.floor(state.options.now() / 1000);

  function checked(input: Record<string, unknown>, current?: Article): Partial<Article> {
    const patch = Object.fromEntries(
      Object.entries(input).filter(([key]) => editable.includes(key)),
    );
    if (patch.title !== undefined && (typeof patch.title !== 'string' || patch.title === '')) {
      throw parameterInvalid('title must be a non-empty string');
    }
    if (patch.author_id !== undefined && String(patch.author_id) !== simAdmin.id) {
      throw parameterInvalid('author_id must be the id of an admin of this workspace');
    }
    if (patch.state !== undefined && patch.state !== 'published' && patch.state !== 'draft') {
      throw parameterInvalid('state must be published or draft');
    }
    const parentId = patch.parent_id ?? current?.parent_id ?? null;
    if (parentId !== null && !collections.get(String(parentId))) {
      throw notFound('Collection not found');
    }
    return {
      ...(patch as Partial<Article>),
      ...(patch.author_id !== undefined ? { author_id: Number(patch.author_id) } : {}),
      ...(parentId !== null ? { parent_id: Number(parentId), parent_ids: [Number(parentId)] } : {}),
      ...(parentId !== null ? { parent_type: 'collection' as const } : {}),
    };
  }

  app.post('/articles', async (request) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    if (body.title === undefined) throw parameterNotFound('title is required');
    if (body.author_id === undefined) {
      throw parameterNotFound('author_id must be in the main body or default locale');
    }
    const at = nowSeconds();
    const id = articles.nextId();
    const article = articles.set({
      type: 'article',
      id,
      workspace_id: state.options.workspaceId,
      title: '',
      description: null,
      body: null,
      author_id: 0,
      state: 'draft',
      created_at: at,
      updated_at: at,
      url: `https://help.intercom-sim.example/en/articles/${id}`,
      parent_id: null,
      parent_ids: [],
      parent_type: null,
      default_locale: 'en',
      translated_content: null,
      tags: { type: 'tag.list', tags: [] },
      ...checked(body),
    });
    return articleView(article);
  });

  app.get<{ Querystring: PageQuery }>('/articles', async (request) => {
    const newestFirst = articles
      .all()
      .sort((a, b) => b.updated_at - a.updated_at || Number(b.id) - Number(a.id));
    return pageList(newestFirst, request.query, 25);
  });

  app.get<ArticleParams>('/articles/:article_id', async (request) =>
    articleView(articles.require(request.params.article_id)),
  );

  app.put<ArticleParams>('/articles/:article_id', async (request) => {
    const current = articles.require(request.params.article_id);
    const patch = checked((request.body ?? {}) as Record<string, unknown>, current);
    return articleView(articles.set({ ...current, ...patch, updated_at: nowSeconds() }));
  });

  app.delete<ArticleParams>('/articles/:article_id', async (request) => {
    const article = articles.delete(request.params.article_id);
    return { id: article.id, object: 'article', deleted: true };
  });
}
