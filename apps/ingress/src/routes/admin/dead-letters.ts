import type { QueueAdmin } from '@relay/jobs/queue';
import type { FastifyInstance } from 'fastify';
import { type Static, Type } from 'typebox';
import { laneOf, queryInt } from './params.ts';
import { DEFAULT_BATCH_LIMIT, MAX_BATCH_LIMIT } from './queues.ts';

export type DeadLetterRoutesDeps = { queues: QueueAdmin };

const ReplayBody = Type.Object(
  {
    lane: Type.String({ maxLength: 64 }),
    jobIds: Type.Optional(
      Type.Array(Type.String({ pattern: '^[A-Za-z0-9._-]{1,200}$' }), {
        minItems: 1,
        maxItems: MAX_BATCH_LIMIT,
      }),
    ),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_BATCH_LIMIT })),
  },
  { additionalProperties: false },
);

/**
 * GET /admin/dead-letters?lane=&limit=&offset=: failed jobs with their error, never their
 * data (it holds personal data). POST /admin/dead-letters/replay {lane, jobIds?, limit?}.
 */
export async function deadLetterRoutes(app: FastifyInstance, deps: DeadLetterRoutesDeps) {
  app.get<{ Querystring: { lane?: string; limit?: string; offset?: string } }>(
    '/dead-letters',
    async (request) => {
      const { query } = request;
      return deps.queues.deadLetters({
        lane: query.lane === undefined ? undefined : laneOf(deps.queues, query.lane),
        limit: queryInt('limit', query.limit, 50, { min: 1, max: 1_000 }),
        offset: queryInt('offset', query.offset, 0, { min: 0, max: 1_000_000 }),
      });
    },
  );

  app.post<{ Body: Static<typeof ReplayBody> }>(
    '/dead-letters/replay',
    { schema: { body: ReplayBody } },
    async (request) => {
      const lane = laneOf(deps.queues, request.body.lane);
      const limit = request.body.limit ?? DEFAULT_BATCH_LIMIT;
      const result = await deps.queues.replay(lane, { jobIds: request.body.jobIds, limit });
      request.log.info(
        {
          lane,
          requested: request.body.jobIds?.length ?? limit,
          replayed: result.replayed,
          notFound: result.notFound.length,
          remaining: result.remaining,
        },
        'replayed dead letters',
      );
      return { lane, ...result };
    },
  );
}
