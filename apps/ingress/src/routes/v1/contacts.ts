import type { AppError } from '@relay/errors';
import { ContactBatch, ContactInput, compileValidator, type Producer } from '@relay/jobs';
import type { FastifyInstance } from 'fastify';
import { sendError } from '../../plugins/error-handler.ts';

export type ContactRoutesDeps = { producer: Producer };

type Rejected = { index: number; code: string; message: string };

const validateContact = compileValidator<ContactInput>(ContactInput);

/**
 * POST /v1/contacts: a batch of up to 1,000 contacts. Each item is accepted (with its job id)
 * or rejected (with its index and reason); none is dropped silently. 503 only when nothing
 * could be stored, so the CRM retries the whole batch.
 */
export async function contactRoutes(app: FastifyInstance, deps: ContactRoutesDeps) {
  app.post<{ Body: ContactBatch }>(
    '/v1/contacts',
    { schema: { body: ContactBatch }, bodyLimit: 16 * 1024 * 1024 },
    async (request, reply) => {
      const rejected: Rejected[] = [];
      const valid: { index: number; contact: ContactInput }[] = [];
      request.body.contacts.forEach((item, index) => {
        const result = validateContact(item);
        if (result.ok) valid.push({ index, contact: result.value });
        else
          rejected.push({
            index,
            code: 'PAYLOAD_INVALID',
            message: `contacts[${index}]${result.message}`,
          });
      });

      const results = await deps.producer.enqueueContactUpserts(valid.map((item) => item.contact));
      const accepted: { index: number; jobId: string }[] = [];
      let unavailable: AppError | undefined;
      results.forEach((result, i) => {
        const index = valid[i]?.index ?? -1;
        if (result.ok) accepted.push({ index, jobId: result.jobId });
        else {
          unavailable = result.error;
          rejected.push({ index, code: result.error.code, message: result.error.message });
        }
      });
      if (unavailable && accepted.length === 0) return sendError(reply, unavailable);

      rejected.sort((a, b) => a.index - b.index);
      request.log.info(
        { accepted: accepted.length, rejected: rejected.length },
        'enqueued contacts',
      );
      return reply.code(202).send({ accepted, rejected });
    },
  );
}
