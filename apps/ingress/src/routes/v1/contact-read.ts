import { AppError } from '@relay/errors';
import type { ContactDirectory } from '@relay/sync';
import type { FastifyInstance } from 'fastify';
import { sendError } from '../../plugins/error-handler.ts';

export type ContactReadRoutesDeps = { contactCache?: ContactDirectory | undefined };

/**
 * GET /v1/contacts/:externalId: the contact as Intercom has it, from the cache when the copy
 * is fresh, else read through; while Intercom fails, the last known copy with `stale: true`.
 */
export async function contactReadRoutes(app: FastifyInstance, deps: ContactReadRoutesDeps) {
  app.get<{ Params: { externalId: string } }>(
    '/v1/contacts/:externalId',
    async (request, reply) => {
      const { externalId } = request.params;
      if (externalId.length === 0 || externalId.length > 255) {
        return sendError(
          reply,
          new AppError('PAYLOAD_INVALID', 'externalId must be 1 to 255 characters'),
        );
      }
      if (!deps.contactCache) {
        return sendError(
          reply,
          new AppError('INTERCOM_UNAVAILABLE', 'contact reads are not configured here'),
        );
      }
      const found = await deps.contactCache.get(externalId);
      if (!found) {
        return sendError(
          reply,
          new AppError('NOT_FOUND', 'Intercom has no contact with this external_id'),
        );
      }
      return reply.send(found);
    },
  );
}
