import { type Static, Type } from 'typebox';

/** A help-center article to create, as a draft or published. */
export const ArticleInput = Type.Object(
  {
    title: Type.String({ minLength: 1, maxLength: 255 }),
    body: Type.Optional(Type.String({ maxLength: 1_000_000 })),
    description: Type.Optional(Type.String({ maxLength: 1_000 })),
    /** The Intercom admin who authors it (GET /admins). */
    author_id: Type.Integer({ minimum: 1 }),
    state: Type.Optional(Type.Union([Type.Literal('draft'), Type.Literal('published')])),
    parent_id: Type.Optional(Type.Integer({ minimum: 1 })),
    parent_type: Type.Optional(Type.Union([Type.Literal('collection'), Type.Literal('section')])),
  },
  { additionalProperties: false },
);
export type ArticleInput = Static<typeof ArticleInput>;

export type ArticleCreateJob = { article: ArticleInput; requestedAt: number };
