import { type Static, Type } from 'typebox';

/** An admin's action on a conversation: reply (seen by the customer), note, or close. */
export const ConversationActionBody = Type.Object(
  {
    /** The Intercom admin acting (see GET /admins). */
    admin_id: Type.String({ minLength: 1, maxLength: 64, pattern: '^[0-9A-Za-z_-]+$' }),
    body: Type.Optional(Type.String({ minLength: 1, maxLength: 65_535 })),
  },
  { additionalProperties: false },
);
export type ConversationActionBody = Static<typeof ConversationActionBody>;

export type ConversationAction = 'reply' | 'note' | 'close';

export type ConversationActionJob = {
  conversationId: string;
  action: ConversationAction;
  adminId: string;
  body?: string;
  requestedAt: number;
};
