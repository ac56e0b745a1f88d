type ConversationState = 'open' | 'closed' | 'snoozed';

export type PartAuthor = {
  type: 'admin' | 'user' | 'lead';
  id: string;
  name: string | null;
  email: string | null;
};

export type ConversationPart = {
  type: 'conversation_part';
  id: string;
  /** comment, note, close, open, snoozed, assignment */
  part_type: string;
  body: string | null;
  created_at: number;
  updated_at: number;
  notified_at: number;
  assigned_to: { type: 'admin'; id: string } | null;
  author: PartAuthor;
  attachments: [];
  external_id: null;
  redacted: false;
};

export type ConversationRecord = {
  readonly seq: number;
  readonly id: string;
  readonly created_at: number;
  updated_at: number;
  title: string | null;
  state: ConversationState;
  read: boolean;
  priority: 'priority' | 'not_priority';
  /** Waiting for an admin since (set by contact messages, cleared by admin replies). */
  waiting_since: number | null;
  snoozed_until: number | null;
  admin_assignee_id: number | null;
  team_assignee_id: string | null;
  contact_ids: string[];
  tag_ids: string[];
  source: {
    type: 'conversation';
    id: string;
    delivered_as: 'customer_initiated';
    subject: string;
    body: string;
    author: PartAuthor;
    attachments: [];
    url: null;
    redacted: false;
  };
  parts: ConversationPart[];
};
