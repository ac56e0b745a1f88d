import { isAppError } from '@relay/errors';
import type { DataAttributeInfo, IntercomClient } from '@relay/intercom';
import type { Cluster, Redis } from 'ioredis';

export type AttributeCheck = { ok: true } | { ok: false; attribute: string; message: string };

export type DataAttributeCatalogOptions = {
  redis: Redis | Cluster;
  prefix: string;
  intercom?: IntercomClient | undefined;
  /** How long a fetched list is trusted. @defaultValue 600000 */
  ttlMs?: number;
  /** An unknown name refreshes the list, but not more often than this. @defaultValue 30000 */
  refreshEveryMs?: number;
  /** How long a push waits for the list from Intercom. @defaultValue DATA_ATTRIBUTES_WAIT_MS */
  waitMs?: number;
  now?: () => number;
};

/**
 * A push waits this long for Intercom's list, then goes on without it (the "not held up"
 * path). The list is one call through the shared budget with the Intercom timeout (30 s by
 * default): a slow Intercom would otherwise hold the CRM's request past the CRM's own timeout,
 * and a CRM that gives up sends the batch again. The call goes on and fills the cache for the
 * pushes after it.
 */
export const DATA_ATTRIBUTES_WAIT_MS = 1_500;

type Catalog = { fetchedAt: number; attributes: Record<string, DataAttributeInfo> };

/**
 * The workspace's custom contact attributes (`GET /data_attributes?model=contact`), to check
 * a CRM push before it is queued: an unknown or read-only name, or a value of the wrong type,
 * rejects that item with a message naming the attribute. Kept in Redis and in the process;
 * an unknown name refreshes it (a new attribute made in Intercom minutes ago is found). When
 * the list cannot be had (no Intercom access here, an outage, no answer within `waitMs`),
 * pushes are not held up: Intercom itself rejects a bad attribute later, and the job says so.
 */
export function createDataAttributeCatalog(options: DataAttributeCatalogOptions) {
  const now = options.now ?? Date.now;
  const ttlMs = options.ttlMs ?? 600_000;
  const refreshEveryMs = options.refreshEveryMs ?? 30_000;
  const waitMs = options.waitMs ?? DATA_ATTRIBUTES_WAIT_MS;
  const key = `${options.prefix}:cache:data-attributes:contact`;
  let held: Catalog | undefined;
  let lastFetch = 0;

  async function fetchFresh(): Promise<Catalog | undefined> {
    if (!options.intercom) return undefined;
    lastFetch = now();
    try {
      const list = await options.intercom.listDataAttributes('contact');
      const catalog: Catalog = {
        fetchedAt: now(),
        attributes: Object.fromEntries(
          list
            .filter((attribute) => attribute.custom)
            .map((attribute) => [attribute.name, attribute]),
        ),
      };
      await options.redis.set(key, JSON.stringify(catalog), 'PX', ttlMs);
      held = catalog;
      return catalog;
    } catch (error) {
      if (isAppError(error)) return undefined; // Intercom failing or budget spent: do not block
      throw error;
    }
  }

  // One call at a time: pushes that stopped waiting for a slow one must not each start another.
  let fetching: Promise<Catalog | undefined> | undefined;

  /** The list from Intercom, or undefined when it does not come within `waitMs`. */
  function fetchWithinWait(): Promise<Catalog | undefined> {
    fetching ??= fetchFresh().finally(() => {
      fetching = undefined;
    });
    const call = fetching;
    let timer: NodeJS.Timeout | undefined;
    const gaveUp = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), waitMs);
    });
    // A failure after the wait is no one's to answer: the next push tries again.
    call.catch(() => {});
    return Promise.race([call, gaveUp]).finally(() => clearTimeout(timer));
  }

  // A batch checks its items at once: they share one load instead of each reading Redis
  // (and, on a cold cache, each calling Intercom).
  let loading: Promise<Catalog | undefined> | undefined;

  function current(): Promise<Catalog | undefined> {
    if (held && now() - held.fetchedAt < ttlMs) return Promise.resolve(held);
    loading ??= load().finally(() => {
      loading = undefined;
    });
    return loading;
  }

  async function load(): Promise<Catalog | undefined> {
    const stored = await options.redis.get(key);
    if (stored) {
      const catalog = JSON.parse(stored) as Catalog;
      if (now() - catalog.fetchedAt < ttlMs) {
        held = catalog;
        return catalog;
      }
    }
    return (await fetchWithinWait()) ?? held;
  }

  return {
    async check(customAttributes: Record<string, unknown>): Promise<AttributeCheck> {
      const names = Object.keys(customAttributes);
      if (names.length === 0) return { ok: true };
      let catalog = await current();
      if (!catalog) return { ok: true };
      const known = (name: string) =>
        catalog && Object.hasOwn(catalog.attributes, name) ? catalog.attributes[name] : undefined;
      if (names.some((name) => !known(name)) && now() - lastFetch >= refreshEveryMs) {
        catalog = (await fetchWithinWait()) ?? catalog;
      }
      for (const name of names) {
        // Own keys only: `constructor` or `toString` must read as unknown, not as Object's.
        const attribute = known(name);
        if (!attribute || attribute.archived) {
          return {
            ok: false,
            attribute: name,
            message: `custom_attributes/${name} is not a custom data attribute of this Intercom workspace (create it in Intercom first)`,
          };
        }
        if (!attribute.apiWritable) {
          return {
            ok: false,
            attribute: name,
            message: `custom_attributes/${name} cannot be written through the API`,
          };
        }
        const problem = typeProblem(attribute, customAttributes[name]);
        if (problem)
          return { ok: false, attribute: name, message: `custom_attributes/${name} ${problem}` };
      }
      return { ok: true };
    },
  };
}

export type DataAttributeCatalog = ReturnType<typeof createDataAttributeCatalog>;

/** null clears an attribute and is always allowed. */
function typeProblem(attribute: DataAttributeInfo, value: unknown): string | undefined {
  if (value === null) return undefined;
  switch (attribute.dataType) {
    case 'string':
      return typeof value === 'string' ? undefined : 'must be a string';
    case 'integer':
      return Number.isInteger(value) ? undefined : 'must be a whole number';
    case 'float':
      return typeof value === 'number' ? undefined : 'must be a number';
    case 'boolean':
      return typeof value === 'boolean' ? undefined : 'must be true or false';
    case 'date':
      return Number.isInteger(value) ? undefined : 'must be a Unix timestamp in seconds';
  }
}
