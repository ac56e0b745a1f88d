/** Keeps the last `capacity` items; older ones are dropped and counted. */
export function createRingBuffer<T>(capacity: number) {
  let items: T[] = [];
  let start = 0;
  let dropped = 0;

  return {
    push(item: T) {
      if (items.length < capacity) {
        items.push(item);
        return;
      }
      items[start] = item;
      start = (start + 1) % capacity;
      dropped++;
    },
    /** Oldest first. */
    toArray(): T[] {
      return start === 0 ? items.slice() : [...items.slice(start), ...items.slice(0, start)];
    },
    get dropped() {
      return dropped;
    },
    clear() {
      items = [];
      start = 0;
      dropped = 0;
    },
  };
}
