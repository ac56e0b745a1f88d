/** Records with numeric-string ids handed out in order (articles, collections). */
export function createNumberedStore<T extends { id: string }>(
  firstId: number,
  notFound: () => Error,
) {
  const records = new Map<string, T>();
  let lastId = firstId - 1;

  function require(id: string): T {
    const record = records.get(id);
    if (!record) throw notFound();
    return record;
  }

  return {
    nextId: () => String(++lastId),
    get: (id: string) => records.get(id),
    require,
    all: () => [...records.values()],
    set(record: T): T {
      records.set(record.id, record);
      return record;
    },
    delete(id: string): T {
      const record = require(id);
      records.delete(id);
      return record;
    },
    clear() {
      records.clear();
      lastId = firstId - 1;
    },
  };
}
