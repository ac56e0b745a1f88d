import { ContactBatch, ContactInput, compileValidator, type Producer } from '@relay/jobs';
import type { FastifyInstance } from 'fastify';
import { answerBatch } from './batch.ts';

export type ContactRoutesDeps = { producer: Producer };

const validateContact = compileValidator<ContactInput>(ContactInput);

/** POST /v1/contacts: a batch of up to 1,000 contacts to create or update in Intercom. */
export async function contactRoutes(app: FastifyInstance, deps: ContactRoutesDeps) {
  app.post<{ Body: ContactBatch }>(
    '/v1/contacts',
    { schema: { body: ContactBatch }, bodyLimit: 16 * 1024 * 1024 },
    (request, reply) =>
      answerBatch(
        request,
        reply,
        { field: 'contacts', items: request.body.contacts },
        validateContact,
        (contacts) => deps.producer.enqueueContactUpserts(contacts),
      ),
  );
}
