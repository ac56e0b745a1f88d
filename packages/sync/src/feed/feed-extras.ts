import { type ChangeData, changeEntry } from './change-entry.ts';
import type { ChangeLog } from './change-log.ts';
import type { FeedRecorderDeps } from './feed-recorder.ts';
import type { FeedStore } from './feed-store.ts';

type Item = Record<string, unknown>;

/** The contact ids a conversation names (its contacts), for erasure. */
function conversationContactIds(item: Item): string[] {
  const contacts = (item.contacts as { contacts?: unknown } | undefined)?.contacts;
  if (!Array.isArray(contacts)) return [];
  return contacts.flatMap((contact) =>
    typeof contact?.id === 'string' ? [contact.id as string] : [],
  );
}

/**
 * Conversation notifications join the feed as they came (`conversation.*`, the item in
 * `data.item`), and erasures leave it: see the glossary (erasure).
 */
export function createFeedExtras(deps: {
  store: FeedStore;
  log: ChangeLog;
  observe?: FeedRecorderDeps['observe'];
  now?: () => number;
}) {
  const now = deps.now ?? Date.now;
  return {
    async conversation(notification: {
      id: string;
      topic: string;
      created_at?: number | undefined;
      data?: { item?: unknown } | undefined;
    }) {
      const item = (notification.data?.item ?? {}) as Item;
      const data: ChangeData = {
        object: 'conversation',
        intercom_id: typeof item.id === 'string' ? item.id : '',
        notification_id: notification.id,
        item,
        source: 'webhook',
        occurred_at: notification.created_at ?? Math.floor(now() / 1000),
      };
      const refs = conversationContactIds(item);
      const cursor = await deps.store.append(changeEntry(notification.topic, data, refs, now()));
      deps.observe?.(
        {
          object: 'conversation',
          intercomId: data.intercom_id,
          outcome: 'change',
          type: notification.topic,
          conflicts: [],
        },
        'webhook',
      );
      return cursor;
    },

    /**
     * GDPR erasure: the contact's feed record becomes a tombstone (no snapshot, no ledger; a
     * late notification records nothing), every change that names it goes (conversations
     * included), and a `contact.erased` change with ids only tells the CRM. Safe to repeat.
     */
    async erase(intercomId: string | undefined, externalId: string): Promise<number> {
      let removed = 0;
      let version = 0;
      if (intercomId) {
        for (;;) {
          const record = await deps.store.read('contact', intercomId, true);
          version = record.version + 1;
          const tombstone = { version, gone: 'erased' as const };
          const committed = await deps.store.commit('contact', intercomId, record, tombstone);
          if (committed.status === 'done') break;
        }
        removed = await deps.log.erase(intercomId);
      }
      const data: ChangeData = {
        object: 'contact',
        intercom_id: intercomId ?? '',
        external_id: externalId,
        version,
        source: 'erasure',
        occurred_at: Math.floor(now() / 1000),
      };
      await deps.store.append(changeEntry('contact.erased', data, [], now()));
      deps.observe?.(
        {
          object: 'contact',
          intercomId: intercomId ?? '',
          outcome: 'change',
          type: 'contact.erased',
          conflicts: [],
        },
        'erasure',
      );
      return removed;
    },
  };
}

export type FeedExtras = ReturnType<typeof createFeedExtras>;
