import { AppError } from '@relay/errors';
import type { Producer } from '@relay/jobs/queue';
import type { FastifyInstance } from 'fastify';
import type { ErasureLog } from '../../erasure-log.ts';
import { sendError } from '../../plugins/error-handler.ts';

export type ErasureRoutesDeps = { producer: Producer; erasureLog: ErasureLog };

const MAX_EXTERNAL_ID = 255;

function invalidExternalId(value: unknown): AppError | undefined {
  if (value === undefined) return undefined;
  // `?externalId=a&externalId=b` arrives as an array.
  if (typeof value !== 'string') {
    return new AppError('PAYLOAD_INVALID', 'externalId must be given once');
  }
  if (value.length === 0 || value.length > MAX_EXTERNAL_ID) {
    return new AppError(
      'PAYLOAD_INVALID',
      `externalId must be 1 to ${MAX_EXTERNAL_ID} characters (got ${value.length})`,
    );
  }
  return undefined;
}

/**
 * DELETE /v1/contacts/:externalId: GDPR erasure (202 with the job id; the job deletes the
 * contact in Intercom, purges everything the relay keeps about it and writes the audit).
 * GET /v1/erasures?externalId=…&limit=…: the audit trail, newest first.
 */
export async function erasureRoutes(app: FastifyInstance, deps: ErasureRoutesDeps) {
  app.delete<{ Params: { externalId: string } }>(
    '/v1/contacts/:externalId',
    async (request, reply) => {
      const { externalId } = request.params;
      const invalid = invalidExternalId(externalId);
      if (invalid) return sendError(reply, invalid);
      const { jobId } = await deps.producer.enqueueErasure(externalId);
      request.log.info({ jobId }, 'erasure requested');
      return reply.code(202).send({ jobId });
    },
  );

  app.get<{ Querystring: { externalId?: string | string[]; limit?: string | string[] } }>(
    '/v1/erasures',
    async (request, reply) => {
      const { externalId, limit } = request.query;
      const invalid = invalidExternalId(externalId);
      if (invalid) return sendError(reply, invalid);
      const count =
        limit === undefined ? 100 : typeof limit === 'string' ? Number(limit) : Number.NaN;
      if (!Number.isInteger(count) || count < 1 || count > 1_000) {
        return sendError(
          reply,
          new AppError('PAYLOAD_INVALID', 'limit must be a whole number from 1 to 1000'),
        );
      }
      const erasures = await deps.erasureLog({
        limit: count,
        ...(typeof externalId === 'string' ? { externalId } : {}),
      });
      return reply.send({ erasures });
    },
  );
}
