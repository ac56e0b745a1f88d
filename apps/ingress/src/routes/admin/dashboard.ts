import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { QueueAdmin } from '@relay/jobs/queue';
import type { FastifyInstance } from 'fastify';

export type DashboardDeps = { queues: QueueAdmin; basePath: string };

const HIDDEN = { hidden: 'job data holds personal data and is not shown' };

/**
 * bull-board over the five lanes, read-only: changes go through the admin API, where a
 * drain must be confirmed, erasures cannot be drained and every action is logged (the
 * board's own buttons would add, edit, clean or obliterate jobs with none of that). Job data
 * is hidden, as in every other answer of the relay.
 */
export async function dashboardRoutes(app: FastifyInstance, deps: DashboardDeps) {
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(deps.basePath);
  createBullBoard({
    queues: deps.queues.lanes.map((lane) => {
      const adapter = new BullMQAdapter(deps.queues.queue(lane), {
        readOnlyMode: true,
        displayName: lane,
      });
      adapter.setFormatter('data', () => HIDDEN);
      return adapter;
    }),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'intercom-relay' } },
  });
  await app.register(serverAdapter.registerPlugin());
}
