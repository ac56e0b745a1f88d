import type { FastifyInstance } from 'fastify';
import { contactView } from '../contacts/contact-view.ts';
import { parseFaultConfig } from '../faults/fault-config.ts';
import type { SimulatorState } from '../state.ts';

/**
 * The simulator's own API under `/__sim/` (no auth, no rate limit, not journaled): what tests,
 * the demo and benchmarks use to look inside and to steer faults.
 */
export function registerControlRoutes(app: FastifyInstance, state: SimulatorState): void {
  const { options } = state;

  app.get('/__sim/health', async () => ({ status: 'ok' }));

  app.get('/__sim/stats', async () => ({
    ...state.stats.snapshot(),
    rateLimit: state.rateLimiter.usage(options.now()),
    webhooks: state.webhooks.stats(),
  }));

  app.get<{ Querystring: { since?: string } }>('/__sim/journal', async (request) => {
    const since = Number(request.query.since ?? 0);
    const { entries, dropped } = state.journal.list();
    return { entries: since > 0 ? entries.filter((e) => e.seq > since) : entries, dropped };
  });

  app.delete('/__sim/journal', async (_request, reply) => {
    state.journal.clear();
    return reply.code(204).send();
  });

  app.post('/__sim/reset', async (_request, reply) => {
    state.reset();
    return reply.code(204).send();
  });

  app.get('/__sim/contacts', async () => {
    const contacts = [...state.contacts.all()].map((contact) => ({
      contact: contactView(contact),
      archived: contact.archived,
      writes: state.contacts.writeCount(contact.id),
    }));
    const deleted = state.contacts
      .deleted()
      .map((entry) => ({ ...entry, writes: state.contacts.writeCount(entry.id) }));
    return { total_count: contacts.length, contacts, deleted };
  });

  app.get('/__sim/events', async () => ({
    events: state.events.all(),
    duplicates: state.events.duplicates(),
  }));

  app.get('/__sim/faults', async () => ({ faults: state.faults.config() }));

  app.post('/__sim/faults', async (request, reply) => {
    const parsed = parseFaultConfig(request.body ?? {}, options.now());
    if ('problems' in parsed) {
      const message = parsed.problems.join('; ');
      return reply
        .code(400)
        .send({ error: { code: 'invalid_faults', message, details: parsed.problems } });
    }
    state.faults.set(parsed.config);
    return { faults: state.faults.config() };
  });

  app.delete('/__sim/faults', async () => {
    state.faults.clear();
    return { faults: state.faults.config() };
  });

  app.get('/__sim/webhooks', async () => ({
    ...state.webhooks.stats(),
    deliveries: state.webhooks.deliveries(),
    lostIds: state.webhooks.lostIds(),
  }));

  app.post('/__sim/webhooks/send', async (request, reply) => {
    const body = (request.body ?? {}) as { topic?: unknown; item?: unknown };
    if (typeof body.topic !== 'string' || body.topic === '') {
      const message = 'topic (a string) is required';
      return reply.code(400).send({ error: { code: 'invalid_notification', message } });
    }
    const notification = state.webhooks.emit(body.topic, body.item ?? {});
    return reply.code(202).send({ id: notification.id, topic: notification.topic });
  });
}
