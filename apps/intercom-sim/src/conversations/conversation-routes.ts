import type { FastifyInstance } from 'fastify';
import { parameterInvalid, parameterNotFound } from '../http/intercom-error.ts';
import { parsePageRequest, searchPage } from '../search/search-page.ts';
import { compileQuery } from '../search/search-query.ts';
import type { SimulatorState } from '../state.ts';
import type { ConversationActions } from './conversation-actions.ts';
import { conversationSearchFields } from './conversation-search-fields.ts';
import { conversationView } from './conversation-view.ts';

type ConversationParams = { Params: { conversation_id: string } };

const conversationPageLimits = { defaultPerPage: 20, maxPerPage: 150 };

function requireBody(body: unknown): string {
  if (typeof body !== 'string' || body === '') throw parameterNotFound('body is required');
  return body;
}

/** Start, read, reply to, manage (close/open/snooze/assign) and search conversations. */
export function registerConversationRoutes(
  app: FastifyInstance,
  state: SimulatorState,
  actions: ConversationActions,
): void {
  app.post('/conversations', async (request) => {
    const body = (request.body ?? {}) as {
      from?: { type?: unknown; id?: unknown };
      body?: unknown;
    };
    const text = requireBody(body.body);
    if (typeof body.from?.id !== 'string') throw parameterNotFound('from is required');
    const contact = actions.findContact({ intercom_user_id: body.from.id });
    const { conversation } = actions.contactStarts(contact, text);
    return {
      type: 'user_message',
      id: conversation.source.id,
      created_at: conversation.created_at,
      subject: '',
      body: text,
      message_type: 'inapp',
      conversation_id: conversation.id,
    };
  });

  app.get<ConversationParams>('/conversations/:conversation_id', async (request) =>
    actions.view(request.params.conversation_id),
  );

  app.post<ConversationParams>('/conversations/:conversation_id/reply', async (request) => {
    const id = request.params.conversation_id;
    state.conversations.require(id);
    const body = (request.body ?? {}) as Record<string, unknown>;
    const text = requireBody(body.body);
    if (body.type === 'admin') {
      const author = actions.adminAuthor(body.admin_id);
      return actions.adminReplies(id, author, String(body.message_type), text);
    }
    if (body.type === 'user' || body.type === 'lead' || body.type === 'contact') {
      return actions.contactReplies(id, actions.findContact(body), text);
    }
    throw parameterInvalid('type must be admin or user');
  });

  app.post<ConversationParams>('/conversations/:conversation_id/parts', async (request) => {
    const id = request.params.conversation_id;
    state.conversations.require(id);
    const body = (request.body ?? {}) as Record<string, unknown>;
    return actions.adminManages(id, actions.adminAuthor(body.admin_id), body);
  });

  app.post('/conversations/search', async (request) => {
    const body = request.body as Record<string, unknown> | undefined;
    if (!body || typeof body !== 'object' || body.query === undefined) {
      throw parameterInvalid('query is required');
    }
    const matches = compileQuery(body.query, conversationSearchFields);
    const pageRequest = parsePageRequest(body, conversationPageLimits);
    const page = searchPage(
      state.conversations.all(),
      matches,
      pageRequest,
      conversationSearchFields,
    );
    const { data, ...rest } = page;
    return {
      type: 'conversation.list',
      conversations: data.map((c) => conversationView(c, actions.externalIdOf, false)),
      ...rest,
    };
  });
}
