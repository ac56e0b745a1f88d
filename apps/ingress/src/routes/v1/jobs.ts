import { AppError } from '@relay/errors';
import { isJobIdShape, JOB_ID_SHAPE } from '@relay/jobs';
import type { Producer } from '@relay/jobs/queue';
import type { FastifyInstance } from 'fastify';
import { sendError } from '../../plugins/error-handler.ts';

export type JobRoutesDeps = { producer: Producer };

/** GET /v1/jobs/:jobId: what became of an accepted item (state, attempts, result or error). */
export async function jobRoutes(app: FastifyInstance, deps: JobRoutesDeps) {
  app.get<{ Params: { jobId: string } }>('/v1/jobs/:jobId', async (request, reply) => {
    const { jobId } = request.params;
    // An id the relay cannot have made is a mistake to fix (400), not a job gone (404).
    if (!isJobIdShape(jobId)) {
      return sendError(
        reply,
        new AppError(
          'PAYLOAD_INVALID',
          `jobId must have the shape of the jobId an accepted item was answered with: ${JOB_ID_SHAPE}`,
          { details: { in: 'params', path: '/jobId' } },
        ),
      );
    }
    const status = await deps.producer.jobStatus(jobId);
    if (!status) {
      return sendError(
        reply,
        new AppError(
          'NOT_FOUND',
          'no job with this id (jobs are kept 24 h after completion, 7 days after failure)',
        ),
      );
    }
    return reply.send(status);
  });
}
