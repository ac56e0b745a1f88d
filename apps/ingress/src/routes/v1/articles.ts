import { AppError } from '@relay/errors';
import type { IntercomClient } from '@relay/intercom';
import { ArticleInput } from '@relay/jobs';
import type { Producer } from '@relay/jobs/queue';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { sendError } from '../../plugins/error-handler.ts';

export type ArticleRoutesDeps = { producer: Producer; intercomReader?: IntercomClient | undefined };

const MAX_LIST = 5_000;

/**
 * POST /v1/articles: create a help-center article (queued; 202 {jobId}; an Idempotency-Key
 * header makes a repeated request one job). GET /v1/articles and GET
 * /v1/help-center/collections: everything, read through the shared budget.
 */
export async function articleRoutes(app: FastifyInstance, deps: ArticleRoutesDeps) {
  app.post<{ Body: ArticleInput }>(
    '/v1/articles',
    { schema: { body: ArticleInput } },
    async (request, reply) => {
      const key = request.headers['idempotency-key'];
      if (key !== undefined && (typeof key !== 'string' || key.length === 0 || key.length > 255)) {
        return sendError(
          reply,
          new AppError('PAYLOAD_INVALID', 'Idempotency-Key must be 1 to 255 characters'),
        );
      }
      return reply.code(202).send(await deps.producer.enqueueArticle(request.body, key));
    },
  );

  app.get('/v1/articles', async (_request, reply) =>
    listAll(
      reply,
      deps,
      'articles',
      (intercom) => intercom.listArticles(),
      (article) => ({
        id: article.id,
        title: article.title,
        state: article.state,
        author_id: article.author_id,
        parent_id: article.parent_id ?? null,
        url: article.url ?? null,
        updated_at: article.updated_at,
      }),
    ),
  );

  app.get('/v1/help-center/collections', async (_request, reply) =>
    listAll(
      reply,
      deps,
      'collections',
      (intercom) => intercom.listCollections(),
      (collection) => ({
        id: collection.id,
        name: collection.name,
        url: collection.url ?? null,
        parent_id: collection.parent_id ?? null,
      }),
    ),
  );
}

async function listAll(
  reply: FastifyReply,
  deps: ArticleRoutesDeps,
  field: string,
  list: (intercom: IntercomClient) => AsyncGenerator<Record<string, unknown> & { id: string }>,
  view: (item: Record<string, unknown> & { id: string }) => unknown,
) {
  if (!deps.intercomReader) {
    return sendError(
      reply,
      new AppError('INTERCOM_UNAVAILABLE', `${field} reads are not configured here`),
    );
  }
  const items: unknown[] = [];
  for await (const item of list(deps.intercomReader)) {
    items.push(view(item));
    if (items.length >= MAX_LIST) break;
  }
  return reply.send({ [field]: items });
}
