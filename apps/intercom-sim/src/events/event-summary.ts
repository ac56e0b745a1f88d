import type { DataEventRecord } from './event-store.ts';

/**
 * `GET /events?summary=true`: one item per event name (the spec's `data_event_summary_item`),
 * with the first and last occurrence as ISO timestamps.
 */
export function summarizeEvents(events: readonly DataEventRecord[]) {
  const byName = new Map<string, { first: number; last: number; count: number }>();
  for (const event of events) {
    const seen = byName.get(event.event_name);
    if (!seen)
      byName.set(event.event_name, { first: event.created_at, last: event.created_at, count: 1 });
    else {
      seen.first = Math.min(seen.first, event.created_at);
      seen.last = Math.max(seen.last, event.created_at);
      seen.count++;
    }
  }
  return [...byName].map(([name, { first, last, count }]) => ({
    name,
    first: new Date(first * 1000).toISOString(),
    last: new Date(last * 1000).toISOString(),
    count,
    description: '',
  }));
}
