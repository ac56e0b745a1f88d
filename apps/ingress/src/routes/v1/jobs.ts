import { AppError } from '@relay/errors';
import type { Producer } from '@relay/jobs';
import type { FastifyInstance } from 'fastify';
import { sendError } from '../../plugins/error-handler.ts';

export type JobRoutesDeps = { producer: Producer };

/** Job ids the relay makes: letters, digits, `-`, `_` and `.` (BullMQ forbids `:`). */
const JOB_ID = /^[A-Za-z0-9._-]{1,200}$/;

/** GET /v1/jobs/:jobId: what became of an accepted item (state, attempts, result or error). */
export async function jobRoutes(app: FastifyInstance, deps: JobRoutesDeps) {
  app.get<{ Params: { jobId: string } }>('/v1/jobs/:jobId', async (request, reply) => {
    const { jobId } = request.params;
    if (!JOB_ID.test(jobId)) {
      return sendError(
        reply,
        new AppError(
          'PAYLOAD_INVALID',
          'jobId: use the jobId an accepted item was answered with (letters, digits, "-", "_", ".")',
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
