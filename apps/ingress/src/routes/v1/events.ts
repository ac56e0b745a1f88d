import { compileValidator, EventBatch, EventInput } from '@relay/jobs';
import type { Producer } from '@relay/jobs/queue';
import type { FastifyInstance } from 'fastify';
import { answerBatch } from './batch.ts';

export type EventRoutesDeps = { producer: Producer };

const validateEvent = compileValidator<EventInput>(EventInput);

/**
 * POST /v1/events: a batch of up to 1,000 data events (`event_name`, the contact's
 * `external_id`, `created_at` in Unix seconds, up to 10 `metadata` keys, optional `id`).
 * Sending an event again answers with the job that already carries it.
 */
export async function eventRoutes(app: FastifyInstance, deps: EventRoutesDeps) {
  app.post<{ Body: EventBatch }>(
    '/v1/events',
    { schema: { body: EventBatch }, bodyLimit: 16 * 1024 * 1024 },
    (request, reply) =>
      answerBatch(
        request,
        reply,
        { field: 'events', items: request.body.events },
        validateEvent,
        (events) => deps.producer.enqueueEvents(events),
      ),
  );
}
