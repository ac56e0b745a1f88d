import { AppError } from '@relay/errors';
import type { QueueAdmin } from '@relay/jobs/queue';
import type { FastifyInstance } from 'fastify';
import { type Static, Type } from 'typebox';
import { laneOf } from './params.ts';

export type QueueRoutesDeps = { queues: QueueAdmin };

/** Jobs one drain or retry call touches at most. @defaultValue 1000 */
export const DEFAULT_BATCH_LIMIT = 1_000;
export const MAX_BATCH_LIMIT = 10_000;

const Limit = Type.Integer({ minimum: 1, maximum: MAX_BATCH_LIMIT });
const DrainBody = Type.Object(
  { confirm: Type.String({ maxLength: 64 }), limit: Type.Optional(Limit) },
  { additionalProperties: false },
);
const RetryBody = Type.Object({ limit: Type.Optional(Limit) }, { additionalProperties: false });
type LaneParams = { Params: { lane: string } };

/**
 * GET /admin/queues; POST /admin/queues/:lane/pause|resume|drain|retry. Pausing is the
 * runbook's kill switch: BullMQ pauses the queue for every worker process, running jobs
 * finish, waiting ones stay stored until resume.
 */
export async function queueRoutes(app: FastifyInstance, deps: QueueRoutesDeps) {
  app.get('/queues', async () => ({ queues: await deps.queues.summaries() }));

  for (const paused of [true, false]) {
    app.post<LaneParams>(`/queues/:lane/${paused ? 'pause' : 'resume'}`, async (request) => {
      const lane = laneOf(deps.queues, request.params.lane);
      const result = await deps.queues.setPaused(lane, paused);
      request.log.info({ lane, paused: result.paused }, paused ? 'paused lane' : 'resumed lane');
      return result;
    });
  }

  app.post<LaneParams & { Body: Static<typeof DrainBody> }>(
    '/queues/:lane/drain',
    { schema: { body: DrainBody } },
    async (request) => {
      const lane = laneOf(deps.queues, request.params.lane);
      if (lane !== 'erasure' && request.body.confirm !== lane) {
        throw new AppError(
          'PAYLOAD_INVALID',
          `draining deletes acknowledged jobs: send {"confirm":"${lane}"} to drain lane ${lane}`,
          { details: { path: '/confirm' } },
        );
      }
      const limit = request.body.limit ?? DEFAULT_BATCH_LIMIT;
      const result = await deps.queues.drain(lane, limit);
      request.log.info({ lane, limit, ...result }, 'drained lane');
      return { lane, ...result };
    },
  );

  app.post<LaneParams & { Body: Static<typeof RetryBody> }>(
    '/queues/:lane/retry',
    { schema: { body: RetryBody } },
    async (request) => {
      const lane = laneOf(deps.queues, request.params.lane);
      const limit = request.body.limit ?? DEFAULT_BATCH_LIMIT;
      const { retried, remaining } = await deps.queues.retryFailed(lane, limit);
      request.log.info({ lane, limit, retried, remaining }, 'retried failed jobs');
      return { lane, retried, remaining };
    },
  );
}
