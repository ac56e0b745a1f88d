import type { FastifyInstance } from 'fastify';
import type { ConversationActions } from '../conversations/conversation-actions.ts';
import type { SimulatorState } from '../state.ts';

type ControlError = { error: { code: string; message: string } };

/**
 * Playing the customer: a contact writes in or replies, as if through the Messenger, which
 * sends `conversation.user.created` / `conversation.user.replied` webhooks.
 */
export function registerConversationControlRoutes(
  app: FastifyInstance,
  state: SimulatorState,
  actions: ConversationActions,
): void {
  const invalid = (message: string): ControlError => ({
    error: { code: 'invalid_request', message },
  });

  app.post('/__sim/conversations', async (request, reply) => {
    const body = (request.body ?? {}) as { contact_id?: unknown; body?: unknown };
    const contact =
      typeof body.contact_id === 'string' ? state.contacts.get(body.contact_id) : undefined;
    if (!contact) return reply.code(400).send(invalid('contact_id must name an existing contact'));
    const text = typeof body.body === 'string' && body.body !== '' ? body.body : 'Hello';
    return reply.code(201).send(actions.contactStarts(contact, text).view);
  });

  app.post<{ Params: { conversation_id: string } }>(
    '/__sim/conversations/:conversation_id/reply',
    async (request, reply) => {
      const conversation = state.conversations.get(request.params.conversation_id);
      const contactId = conversation?.contact_ids[0];
      const contact = contactId ? state.contacts.get(contactId) : undefined;
      if (!conversation || !contact) return reply.code(404).send(invalid('no such conversation'));
      const body = (request.body ?? {}) as { body?: unknown };
      const text = typeof body.body === 'string' && body.body !== '' ? body.body : 'Any news?';
      return actions.contactReplies(conversation.id, contact, text);
    },
  );
}
