import { simAdmin } from '../admins/sim-admin.ts';
import type { ContactRecord } from '../contacts/contact-record.ts';
import {
  IntercomHttpError,
  notFound,
  parameterInvalid,
  parameterNotFound,
} from '../http/intercom-error.ts';
import type { SimulatorState } from '../state.ts';
import type { PartAuthor } from './conversation-record.ts';
import { conversationView } from './conversation-view.ts';

/**
 * What happens to a conversation, shared by the API routes and the control routes that play
 * the customer: each action stores the part and sends the webhook Intercom would.
 */
export function createConversationActions(state: SimulatorState) {
  const { conversations, contacts, webhooks } = state;
  const externalIdOf = (id: string) => contacts.get(id)?.external_id ?? null;
  const view = (id: string) => conversationView(conversations.require(id), externalIdOf);
  const nowSeconds = () => Math.floor(state.options.now() / 1000);

  function contactAuthor(contact: ContactRecord): PartAuthor {
    return { type: contact.role, id: contact.id, name: contact.name, email: contact.email };
  }

  function notify(topic: string, id: string) {
    webhooks.emit(topic, view(id));
    return view(id);
  }

  return {
    view,
    externalIdOf,
    adminAuthor(adminId: unknown): PartAuthor {
      if (String(adminId) !== simAdmin.id) {
        throw new IntercomHttpError(404, 'admin_not_found', 'Admin not found');
      }
      return { type: 'admin', id: simAdmin.id, name: simAdmin.name, email: simAdmin.email };
    },
    findContact(ids: { intercom_user_id?: unknown; user_id?: unknown; email?: unknown }) {
      let contact: ContactRecord | undefined;
      if (typeof ids.intercom_user_id === 'string') contact = contacts.get(ids.intercom_user_id);
      else if (typeof ids.user_id === 'string') contact = contacts.findByExternalId(ids.user_id);
      else if (typeof ids.email === 'string') contact = contacts.findUserByEmail(ids.email);
      else throw parameterNotFound('One of intercom_user_id, user_id or email is required');
      if (!contact) throw notFound('User Not Found');
      return contact;
    },
    contactStarts(contact: ContactRecord, body: string) {
      const conversation = conversations.start(contactAuthor(contact), contact.id, body);
      return { conversation, view: notify('conversation.user.created', conversation.id) };
    },
    contactReplies(id: string, contact: ContactRecord, body: string) {
      const author = contactAuthor(contact);
      conversations.addPart(
        id,
        { part_type: 'comment', body, author, assigned_to: null },
        { state: 'open', snoozed_until: null, waiting_since: nowSeconds(), read: false },
      );
      return notify('conversation.user.replied', id);
    },
    adminReplies(id: string, author: PartAuthor, messageType: string, body: string) {
      if (messageType !== 'comment' && messageType !== 'note') {
        throw parameterInvalid('message_type must be comment or note');
      }
      const isNote = messageType === 'note';
      conversations.addPart(
        id,
        { part_type: messageType, body, author, assigned_to: null },
        isNote ? {} : { waiting_since: null },
      );
      return notify(isNote ? 'conversation.admin.noted' : 'conversation.admin.replied', id);
    },
    adminManages(id: string, author: PartAuthor, body: Record<string, unknown>) {
      const text = typeof body.body === 'string' ? body.body : null;
      const part = { body: text, author, assigned_to: null };
      switch (body.message_type) {
        case 'close':
          conversations.addPart(
            id,
            { ...part, part_type: 'close' },
            { state: 'closed', waiting_since: null },
          );
          return notify('conversation.admin.closed', id);
        case 'open':
          conversations.addPart(
            id,
            { ...part, part_type: 'open' },
            { state: 'open', snoozed_until: null },
          );
          return notify('conversation.admin.opened', id);
        case 'snoozed': {
          if (!Number.isInteger(body.snoozed_until))
            throw parameterNotFound('snoozed_until is required');
          const until = body.snoozed_until as number;
          conversations.addPart(
            id,
            { ...part, part_type: 'snoozed' },
            { state: 'snoozed', snoozed_until: until },
          );
          return notify('conversation.admin.snoozed', id);
        }
        case 'assignment': {
          const assignee = body.assignee_id;
          if (typeof assignee !== 'string' && typeof assignee !== 'number') {
            throw parameterNotFound('assignee_id is required');
          }
          const assigneeId = String(assignee);
          const assignedTo = assigneeId === '0' ? null : { type: 'admin' as const, id: assigneeId };
          conversations.addPart(
            id,
            { ...part, part_type: 'assignment', assigned_to: assignedTo },
            { admin_assignee_id: assignedTo ? Number(assigneeId) : null },
          );
          return notify('conversation.admin.assigned', id);
        }
        default:
          throw parameterInvalid('message_type must be close, open, snoozed or assignment');
      }
    },
  };
}

export type ConversationActions = ReturnType<typeof createConversationActions>;
