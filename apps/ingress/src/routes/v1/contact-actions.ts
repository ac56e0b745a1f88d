import { AppError } from '@relay/errors';
import { CacheWarmRequest, ContactMergeRequest } from '@relay/jobs';
import type { Producer } from '@relay/jobs/queue';
import type { FastifyInstance } from 'fastify';
import { sendError } from '../../plugins/error-handler.ts';

export type ContactActionRoutesDeps = { producer: Producer };

/**
 * POST /v1/contacts/merge {lead_external_id, user_external_id}: merge a lead into a user.
 * POST /v1/contacts/:externalId/archive and /unarchive.
 * POST /v1/cache/contacts/warm {external_ids: [...]}: load contacts into the read cache.
 * Each answers 202 {jobId}; GET /v1/jobs/:jobId tells the outcome.
 */
export async function contactActionRoutes(app: FastifyInstance, deps: ContactActionRoutesDeps) {
  app.post<{ Body: ContactMergeRequest }>(
    '/v1/contacts/merge',
    { schema: { body: ContactMergeRequest } },
    async (request, reply) => {
      if (request.body.lead_external_id === request.body.user_external_id) {
        return sendError(
          reply,
          new AppError('PAYLOAD_INVALID', 'lead_external_id and user_external_id must differ'),
        );
      }
      return reply.code(202).send(await deps.producer.enqueueMerge(request.body));
    },
  );

  app.post<{ Body: CacheWarmRequest }>(
    '/v1/cache/contacts/warm',
    { schema: { body: CacheWarmRequest } },
    async (request, reply) =>
      reply.code(202).send(await deps.producer.enqueueCacheWarm(request.body.external_ids)),
  );

  for (const [verb, archived] of [
    ['archive', true],
    ['unarchive', false],
  ] as const) {
    app.post<{ Params: { externalId: string } }>(
      `/v1/contacts/:externalId/${verb}`,
      async (request, reply) => {
        const { externalId } = request.params;
        if (externalId.length === 0 || externalId.length > 255) {
          return sendError(
            reply,
            new AppError('PAYLOAD_INVALID', 'externalId must be 1 to 255 characters'),
          );
        }
        return reply.code(202).send(await deps.producer.enqueueArchive(externalId, archived));
      },
    );
  }
}
