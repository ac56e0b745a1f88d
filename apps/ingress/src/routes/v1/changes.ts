import { AppError } from '@relay/errors';
import type { ChangeLog } from '@relay/sync';
import type { FastifyInstance } from 'fastify';

export type ChangeRoutesDeps = { changeLog?: ChangeLog | undefined };

export type ChangesQuery = { after?: string; limit?: string };

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1_000;

/**
 * A page of the change feed for `?after=&limit=`, as GET /v1/changes answers it (and GET
 * /admin/feed/changes, for an operator reading the same feed).
 */
export async function readChanges(changeLog: ChangeLog | undefined, query: ChangesQuery) {
  const { after, limit: limitText } = query;
  const limit = limitText === undefined ? DEFAULT_LIMIT : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw new AppError('PAYLOAD_INVALID', `limit must be an integer from 1 to ${MAX_LIMIT}`, {
      details: { in: 'query', path: '/limit' },
    });
  }
  if (!changeLog) throw new AppError('NOT_FOUND', 'the change feed is not enabled here');
  return changeLog.read(after || undefined, limit);
}

/**
 * GET /v1/changes?after=<cursor>&limit=<1–1000>: the change feed (docs/change-feed.md), in
 * the order recorded; `next` is the cursor to ask with next time (the same one when nothing
 * new came). 410 FEED_CURSOR_EXPIRED when changes after the cursor were already trimmed.
 */
export async function changeRoutes(app: FastifyInstance, deps: ChangeRoutesDeps) {
  app.get<{ Querystring: ChangesQuery }>('/v1/changes', async (request) =>
    readChanges(deps.changeLog, request.query),
  );
}
