import type { QueueAdmin } from '@relay/jobs/queue';
import type { ChangeLog, PushControl } from '@relay/sync';
import type { FastifyInstance } from 'fastify';
import { adminAuth } from '../../plugins/admin-auth.ts';
import { dashboardRoutes } from './dashboard.ts';
import { deadLetterRoutes } from './dead-letters.ts';
import { feedRoutes } from './feed.ts';
import { pushRoutes } from './feed-push.ts';
import { queueRoutes } from './queues.ts';

export type AdminDeps = {
  /** The current admin token (read per request, so a rotated file applies at once). */
  token: () => string | undefined;
  queues: QueueAdmin;
  /** The change log, for /admin/feed; without it those routes answer 404 NOT_FOUND. */
  changeLog?: ChangeLog | undefined;
  /** FEED_RETENTION_MS, reported by /admin/feed/status. */
  feedRetentionMs?: number | undefined;
  /** The push's control (enable, replay), for /admin/feed/push; without it those answer 404. */
  push?: PushControl | undefined;
};

/**
 * Everything under /admin (register with that prefix): the queue API, the dead letters, the
 * change feed's state, the push's controls and the bull-board dashboard at /admin/ui, all
 * behind the admin token.
 */
export async function adminRoutes(app: FastifyInstance, deps: AdminDeps) {
  app.addHook('onRequest', adminAuth(deps.token));
  await app.register(queueRoutes, { queues: deps.queues });
  await app.register(deadLetterRoutes, { queues: deps.queues });
  await app.register(feedRoutes, {
    changeLog: deps.changeLog,
    retentionMs: deps.feedRetentionMs,
    push: deps.push,
  });
  await app.register(pushRoutes, { push: deps.push });
  await app.register(dashboardRoutes, {
    queues: deps.queues,
    basePath: `${app.prefix}/ui`,
    prefix: '/ui',
  });
}
