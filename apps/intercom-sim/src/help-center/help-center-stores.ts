import { notFound } from '../http/intercom-error.ts';
import { createNumberedStore } from '../lib/numbered-store.ts';

/** An article as `POST /articles` and `GET /articles/{id}` answer it. */
export type Article = {
  type: 'article';
  id: string;
  workspace_id: string;
  title: string;
  description: string | null;
  body: string | null;
  author_id: number;
  state: 'published' | 'draft';
  created_at: number;
  updated_at: number;
  url: string | null;
  parent_id: number | null;
  parent_ids: number[];
  parent_type: 'collection' | null;
  default_locale: 'en';
  translated_content: null;
  tags: { type: 'tag.list'; tags: [] };
};

/** A help center collection as its routes answer it. */
export type Collection = {
  id: string;
  workspace_id: string;
  name: string;
  description: string | null;
  created_at: number;
  updated_at: number;
  url: string;
  icon: null;
  order: number;
  default_locale: 'en';
  translated_content: null;
  parent_id: string | null;
  help_center_id: number;
};

export const createArticleStore = () =>
  createNumberedStore<Article>(40, () => notFound('Article not found'));

export const createCollectionStore = () =>
  createNumberedStore<Collection>(160, () => notFound('Collection not found'));
