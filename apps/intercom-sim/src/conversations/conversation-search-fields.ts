import type { FieldCatalog, FieldKind, SearchField } from '../search/search-query.ts';
import type { ConversationRecord } from './conversation-record.ts';

type Conversation = ConversationRecord;
const field = (kind: FieldKind, get: (c: Conversation) => unknown): SearchField<Conversation> => ({
  kind,
  get,
});

/** The searchable conversation fields the simulator keeps (a subset of Intercom's list). */
const fields: Record<string, SearchField<Conversation>> = {
  id: field('string', (c) => c.id),
  created_at: field('date', (c) => c.created_at),
  updated_at: field('date', (c) => c.updated_at),
  waiting_since: field('date', (c) => c.waiting_since),
  snoozed_until: field('date', (c) => c.snoozed_until),
  state: field('string', (c) => c.state),
  open: field('boolean', (c) => c.state === 'open'),
  read: field('boolean', (c) => c.read),
  priority: field('string', (c) => c.priority),
  admin_assignee_id: field('integer', (c) => c.admin_assignee_id),
  team_assignee_id: field('string', (c) => c.team_assignee_id),
  contact_ids: field('idList', (c) => c.contact_ids),
  tag_ids: field('idList', (c) => c.tag_ids),
  'source.type': field('string', (c) => c.source.type),
  'source.id': field('string', (c) => c.source.id),
  'source.delivered_as': field('string', (c) => c.source.delivered_as),
  'source.subject': field('string', (c) => c.source.subject),
  'source.body': field('string', (c) => c.source.body),
  'source.author.id': field('string', (c) => c.source.author.id),
  'source.author.type': field('string', (c) => c.source.author.type),
  'source.author.name': field('string', (c) => c.source.author.name),
  'source.author.email': field('string', (c) => c.source.author.email),
};

export const conversationSearchFields: FieldCatalog<Conversation> = (name) => fields[name];
