import { AppError } from '@relay/errors';
import type { ChangeLog, PushControl } from '@relay/sync';
import type { FastifyInstance } from 'fastify';
import { type ChangesQuery, readChanges } from '../v1/changes.ts';
import { pushStatus } from './feed-push.ts';

export type FeedRoutesDeps = {
  changeLog?: ChangeLog | undefined;
  /** FEED_RETENTION_MS as this ingress is configured (the workers trim the log by theirs). */
  retentionMs?: number | undefined;
  /** The push to the CRM, whose endpoint state and undelivered records the status adds. */
  push?: PushControl | undefined;
};

/**
 * GET /admin/feed/status: how many changes the log holds, its oldest and newest change, the
 * trim mark and the push (`push`: the CRM endpoint's state, the records undelivered). GET
 * /admin/feed/changes?after=&limit=: the feed as the CRM reads it, for an operator checking
 * whether a change arrived (the answer holds personal data, as /v1 does).
 */
export async function feedRoutes(app: FastifyInstance, deps: FeedRoutesDeps) {
  app.get('/feed/status', async () => {
    if (!deps.changeLog) throw new AppError('NOT_FOUND', 'the change feed is not enabled here');
    const status = await deps.changeLog.status();
    return {
      ...status,
      ...(deps.retentionMs === undefined ? {} : { retentionMs: deps.retentionMs }),
      ...(deps.push ? { push: await pushStatus(deps.push) } : {}),
    };
  });

  app.get<{ Querystring: ChangesQuery }>('/feed/changes', async (request) =>
    readChanges(deps.changeLog, request.query),
  );
}
