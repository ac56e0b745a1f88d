/**
 * What search sees: a copy of the store that lags writes by `lagMs`, as Intercom's search
 * lags ("new contacts take up to a few minutes to appear"). Writes queue up with the time they
 * become visible and are applied, in order, when a search runs.
 */
export type SearchIndexOptions = { lagMs: number; now: () => number };

type PendingWrite<T> = { visibleAt: number; id: string; item: T | null };

export function createSearchIndex<T extends { id: string }>(options: SearchIndexOptions) {
  const visible = new Map<string, T>();
  let pending: PendingWrite<T>[] = [];
  let head = 0;

  function apply(id: string, item: T | null) {
    if (item) visible.set(id, item);
    else visible.delete(id);
  }

  function enqueue(id: string, item: T | null) {
    if (options.lagMs <= 0) return apply(id, item);
    pending.push({ visibleAt: options.now() + options.lagMs, id, item });
  }

  function catchUp() {
    const now = options.now();
    while (head < pending.length) {
      const write = pending[head];
      if (!write || write.visibleAt > now) break;
      apply(write.id, write.item);
      head++;
    }
    if (head > 1024 && head * 2 > pending.length) {
      pending = pending.slice(head);
      head = 0;
    }
  }

  return {
    put: (item: T) => enqueue(item.id, item),
    remove: (id: string) => enqueue(id, null),
    /** Visible at once, whatever the lag (seeded data). */
    load: (item: T) => apply(item.id, item),
    /** The items search can see now, in insertion order. */
    items(): Iterable<T> {
      catchUp();
      return visible.values();
    },
    clear() {
      visible.clear();
      pending = [];
      head = 0;
    },
  };
}
