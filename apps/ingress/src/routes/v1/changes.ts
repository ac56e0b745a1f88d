import { AppError } from '@relay/errors';
import type { ChangeLog } from '@relay/sync';
import type { FastifyInstance } from 'fastify';
import { sendError } from '../../plugins/error-handler.ts';

export type ChangeRoutesDeps = { changeLog?: ChangeLog | undefined };

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1_000;

/**
 * GET /v1/changes?after=<cursor>&limit=<1–1000>: the change feed (docs/change-feed.md), in
 * the order recorded; `next` is the cursor to ask with next time (the same one when nothing
 * new came). 410 FEED_CURSOR_EXPIRED when changes after the cursor were already trimmed.
 */
export async function changeRoutes(app: FastifyInstance, deps: ChangeRoutesDeps) {
  app.get<{ Querystring: { after?: string; limit?: string } }>(
    '/v1/changes',
    async (request, reply) => {
      const { after, limit: limitText } = request.query;
      const limit = limitText === undefined ? DEFAULT_LIMIT : Number(limitText);
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
        return sendError(
          reply,
          new AppError('PAYLOAD_INVALID', `limit must be an integer from 1 to ${MAX_LIMIT}`, {
            details: { in: 'query', path: '/limit' },
          }),
        );
      }
      if (!deps.changeLog) {
        return sendError(reply, new AppError('NOT_FOUND', 'the change feed is not enabled here'));
      }
      return reply.send(await deps.changeLog.read(after || undefined, limit));
    },
  );
}
