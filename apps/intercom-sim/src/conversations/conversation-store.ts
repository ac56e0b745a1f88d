import { IntercomHttpError } from '../http/intercom-error.ts';
import type { ConversationPart, ConversationRecord, PartAuthor } from './conversation-record.ts';

function conversationNotFound(): IntercomHttpError {
  return new IntercomHttpError(404, 'not_found', 'Conversation not found');
}

export type NewPart = Pick<ConversationPart, 'part_type' | 'body' | 'author' | 'assigned_to'>;

/** Conversations with their parts; ids are numeric strings like Intercom's. */
export function createConversationStore(now: () => number) {
  const conversations = new Map<string, ConversationRecord>();
  let lastId = 500;
  let lastPartId = 400_000_000;
  const nowSeconds = () => Math.floor(now() / 1000);

  function require(id: string): ConversationRecord {
    const conversation = conversations.get(id);
    if (!conversation) throw conversationNotFound();
    return conversation;
  }

  return {
    get: (id: string) => conversations.get(id),
    require,
    all: () => conversations.values(),

    /** A contact writes in: a new open conversation waiting for an admin. */
    start(author: PartAuthor, contactId: string, body: string): ConversationRecord {
      const at = nowSeconds();
      const id = String(++lastId);
      const conversation: ConversationRecord = {
        seq: lastId,
        id,
        created_at: at,
        updated_at: at,
        title: null,
        state: 'open',
        read: false,
        priority: 'not_priority',
        waiting_since: at,
        snoozed_until: null,
        admin_assignee_id: null,
        team_assignee_id: null,
        contact_ids: [contactId],
        tag_ids: [],
        source: {
          type: 'conversation',
          id: String(++lastPartId),
          delivered_as: 'customer_initiated',
          subject: '',
          body,
          author,
          attachments: [],
          url: null,
          redacted: false,
        },
        parts: [],
      };
      conversations.set(id, conversation);
      return conversation;
    },

    /** Appends a part and applies the state change that comes with it. */
    addPart(
      id: string,
      part: NewPart,
      change: Partial<ConversationRecord> = {},
    ): ConversationRecord {
      const conversation = require(id);
      const at = nowSeconds();
      conversation.parts.push({
        type: 'conversation_part',
        id: String(++lastPartId),
        ...part,
        created_at: at,
        updated_at: at,
        notified_at: at,
        attachments: [],
        external_id: null,
        redacted: false,
      });
      Object.assign(conversation, change, { updated_at: at });
      return conversation;
    },

    clear() {
      conversations.clear();
      lastId = 500;
      lastPartId = 400_000_000;
    },
  };
}
