import type { ConversationRecord } from './conversation-record.ts';

/** A conversation shaped like the OpenAPI `conversation` schema (list items omit parts). */
export function conversationView(
  conversation: ConversationRecord,
  externalIdOf: (contactId: string) => string | null,
  withParts = true,
) {
  const { seq: _seq, parts, contact_ids, tag_ids, ...fields } = conversation;
  return {
    type: 'conversation' as const,
    ...fields,
    open: conversation.state === 'open',
    tags: { type: 'tag.list', tags: tag_ids.map((id) => ({ type: 'tag', id })) },
    conversation_rating: null,
    contacts: {
      type: 'contact.list',
      contacts: contact_ids.map((id) => ({ type: 'contact', id, external_id: externalIdOf(id) })),
    },
    teammates: { type: 'admin.list', admins: [] },
    custom_attributes: {},
    first_contact_reply: null,
    sla_applied: null,
    statistics: null,
    linked_objects: { type: 'list', data: [], total_count: 0, has_more: false },
    ai_agent_participated: false,
    ai_agent: null,
    ...(withParts
      ? {
          conversation_parts: {
            type: 'conversation_part.list',
            conversation_parts: parts,
            total_count: parts.length,
          },
        }
      : {}),
  };
}
