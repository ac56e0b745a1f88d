import { ContactBatch, ContactInput, compileValidator, type ValidationResult } from '@relay/jobs';
import type { Producer } from '@relay/jobs/queue';
import type { DataAttributeCatalog } from '@relay/sync';
import type { FastifyInstance } from 'fastify';
import { answerBatch, type BatchLane, BatchQuery } from './batch.ts';

export type ContactRoutesDeps = {
  producer: Producer;
  /** Custom attributes are checked against the workspace's, when it can be had. */
  attributeCatalog?: DataAttributeCatalog | undefined;
};

const validateShape = compileValidator<ContactInput>(ContactInput);

/**
 * POST /v1/contacts: a batch of up to 1,000 contacts to create or update in Intercom. An item
 * whose custom attribute Intercom would refuse (unknown, read-only, wrong type) is rejected
 * with the attribute's name, and nothing is queued for it.
 */
export async function contactRoutes(app: FastifyInstance, deps: ContactRoutesDeps) {
  app.post<{ Body: ContactBatch; Querystring: { lane?: BatchLane } }>(
    '/v1/contacts',
    { schema: { body: ContactBatch, querystring: BatchQuery }, bodyLimit: 16 * 1024 * 1024 },
    (request, reply) =>
      answerBatch(
        request,
        reply,
        { field: 'contacts', items: request.body.contacts },
        async (item): Promise<ValidationResult<ContactInput>> => {
          const shape = validateShape(item);
          if (!shape.ok || !shape.value.custom_attributes || !deps.attributeCatalog) return shape;
          const check = await deps.attributeCatalog.check(shape.value.custom_attributes);
          if (check.ok) return shape;
          return {
            ok: false,
            message: `/${check.message}`,
            path: `/custom_attributes/${check.attribute}`,
          };
        },
        (contacts) => deps.producer.enqueueContactUpserts(contacts, request.query.lane ?? 'sync'),
      ),
  );
}
