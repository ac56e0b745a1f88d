/** A data event as stored; `user_id` is the contact's external_id. */
export type DataEventRecord = {
  type: 'event';
  event_name: string;
  created_at: number;
  user_id: string | null;
  id: string;
  intercom_user_id: string;
  email: string | null;
  metadata: Record<string, unknown>;
};

/**
 * Data events, de-duplicated like Intercom: one per (contact, event_name, created_at). A
 * duplicate is accepted (202) and counted, never stored twice.
 */
export function createEventStore() {
  let events: DataEventRecord[] = [];
  let keys = new Set<string>();
  let duplicates = 0;
  let lastId = 0;

  return {
    /** Returns false for a duplicate. */
    add(event: Omit<DataEventRecord, 'type' | 'id'>): boolean {
      const key = `${event.intercom_user_id}\u0000${event.event_name}\u0000${event.created_at}`;
      if (keys.has(key)) {
        duplicates++;
        return false;
      }
      keys.add(key);
      events.push({ type: 'event', id: String(++lastId), ...event });
      return true;
    },
    forContact: (contactId: string) => events.filter((e) => e.intercom_user_id === contactId),
    all: () => events,
    duplicates: () => duplicates,
    clear() {
      events = [];
      keys = new Set();
      duplicates = 0;
      lastId = 0;
    },
  };
}
