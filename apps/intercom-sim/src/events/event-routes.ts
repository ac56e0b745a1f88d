import type { FastifyInstance } from 'fastify';
import type { ContactRecord } from '../contacts/contact-record.ts';
import { notFound, parameterInvalid, parameterNotFound } from '../http/intercom-error.ts';
import type { SimulatorState } from '../state.ts';
import { summarizeEvents } from './event-summary.ts';

const maxMetadataKeys = 10;

type EventQuery = {
  type?: string;
  user_id?: string;
  intercom_user_id?: string;
  email?: string;
  summary?: string;
};

/** `POST /events` (202, empty body, duplicates ignored) and `GET /events` for one user. */
export function registerEventRoutes(app: FastifyInstance, state: SimulatorState): void {
  const { contacts, events } = state;

  function findContact(ids: { user_id?: unknown; id?: unknown; email?: unknown }) {
    let contact: ContactRecord | undefined;
    if (typeof ids.id === 'string') contact = contacts.get(ids.id);
    else if (typeof ids.user_id === 'string') contact = contacts.findByExternalId(ids.user_id);
    else if (typeof ids.email === 'string') contact = contacts.findUserByEmail(ids.email);
    else throw parameterNotFound('One of user_id, id or email is required');
    if (!contact) throw notFound('User Not Found');
    return contact;
  }

  app.post('/events', async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    if (typeof body.event_name !== 'string' || body.event_name === '') {
      throw parameterNotFound('event_name is required');
    }
    if (!Number.isInteger(body.created_at))
      throw parameterInvalid('created_at must be a Unix timestamp');
    const metadata = body.metadata ?? {};
    if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) {
      throw parameterInvalid('metadata must be an object');
    }
    const contact = findContact(body);
    events.add({
      event_name: body.event_name,
      created_at: body.created_at as number,
      user_id: contact.external_id,
      intercom_user_id: contact.id,
      email: contact.email,
      // Intercom keeps the first 10 keys and silently ignores the rest.
      metadata: Object.fromEntries(Object.entries(metadata).slice(0, maxMetadataKeys)),
    });
    return reply.code(202).send();
  });

  app.get<{ Querystring: EventQuery }>('/events', async (request) => {
    const { type, user_id, intercom_user_id, email, summary } = request.query;
    if (type !== 'user') throw parameterInvalid('type must be user');
    const contact = findContact({ user_id, id: intercom_user_id, email });
    const stored = events.forContact(contact.id);
    // The spec's `data_event_summary` envelope; the items are the events themselves unless
    // `summary=true` asks for one count per event name.
    return {
      type: 'event.summary',
      email: contact.email ?? '',
      intercom_user_id: contact.id,
      user_id: contact.external_id ?? '',
      events: summary === 'true' ? summarizeEvents(stored) : stored,
      pages: {},
    };
  });
}
