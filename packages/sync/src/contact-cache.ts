import { createHash } from 'node:crypto';
import { AppError, isAppError } from '@relay/errors';
import type { IntercomClient, IntercomContact } from '@relay/intercom';
import type { ContactState } from '@relay/jobs';
import type { Cluster, Redis } from 'ioredis';

export type CachedContact = {
  contact: IntercomContact & Record<string, unknown>;
  /** When the copy was read from Intercom (or from a webhook), ISO 8601. */
  cachedAt: string;
  /** True when Intercom could not be asked and this is the last known copy. */
  stale: boolean;
};

export type ContactCacheOptions = {
  redis: Redis | Cluster;
  prefix: string;
  /** For reads through to Intercom; without it the cache answers from what it holds. */
  intercom?: IntercomClient | undefined;
  contacts: ContactState;
  /** A copy younger than this is served without asking Intercom. @defaultValue 300000 */
  freshMs?: number;
  /** How long a copy is kept to serve stale while Intercom fails. @defaultValue 86400000 */
  keepMs?: number;
  /** The in-process layer: entries and how long they are trusted. */
  localEntries?: number;
  localTtlMs?: number;
  /**
   * A connection this cache may put in subscriber mode: other processes' puts and drops then
   * evict this process's copy at once (an erased contact must not be served from memory).
   * Without it, the in-process layer is off.
   */
  subscriber?: Redis | Cluster | undefined;
  now?: () => number;
};

type Entry = { contact: CachedContact['contact']; cachedAt: number };

/** Intercom is failing, not saying no: a stale copy is better than an error. */
const OUTAGE_CODES = new Set([
  'INTERCOM_UNAVAILABLE',
  'INTERCOM_CIRCUIT_OPEN',
  'INTERCOM_RATE_LIMITED',
  'QUEUE_UNAVAILABLE',
]);

/**
 * Contacts as Intercom last described them, read through: an in-process LRU (short TTL, and
 * evicted at once through Redis pub/sub when any process puts or drops a copy) over Redis
 * (`<prefix>:cache:contact:<sha256(external_id)>`, kept a day). A fresh copy is served as is; an old one is refreshed
 * from Intercom, and served with `stale: true` when Intercom fails. Webhooks write copies
 * (`put`); deletions and erasures remove them (`drop`).
 */
export function createContactCache(options: ContactCacheOptions) {
  const now = options.now ?? Date.now;
  const freshMs = options.freshMs ?? 300_000;
  const keepMs = options.keepMs ?? 86_400_000;
  const localTtlMs = options.localTtlMs ?? 30_000;
  const localEntries = options.localEntries ?? 10_000;
  // The in-process layer, keyed by the external_id's hash (what invalidations carry).
  const local = new Map<string, Entry & { storedAt: number }>();
  const useLocal = options.subscriber !== undefined && localTtlMs > 0;
  const channel = `${options.prefix}:cache:contact:invalidate`;
  const hashOf = (externalId: string) => createHash('sha256').update(externalId).digest('hex');
  const key = (hash: string) => `${options.prefix}:cache:contact:${hash}`;

  if (options.subscriber) {
    void options.subscriber.subscribe(channel).catch(() => {});
    options.subscriber.on('message', (from, hash) => {
      if (from === channel) local.delete(hash);
    });
  }

  function remember(hash: string, entry: Entry) {
    if (!useLocal) return;
    local.delete(hash);
    if (local.size >= localEntries) local.delete(local.keys().next().value as string);
    local.set(hash, { ...entry, storedAt: now() });
  }

  async function read(externalId: string): Promise<Entry | undefined> {
    const hash = hashOf(externalId);
    const mine = local.get(hash);
    if (mine && now() - mine.storedAt < localTtlMs) return mine;
    const stored = await options.redis.get(key(hash));
    if (!stored) return undefined;
    const entry = JSON.parse(stored) as Entry;
    remember(hash, entry);
    return entry;
  }

  /** Other processes forget their in-process copy. */
  async function invalidate(hash: string) {
    await options.redis.publish(channel, hash);
  }

  async function store(externalId: string, contact: Entry['contact']): Promise<Entry> {
    const hash = hashOf(externalId);
    const entry = { contact, cachedAt: now() };
    await options.redis.set(key(hash), JSON.stringify(entry), 'PX', keepMs);
    await invalidate(hash);
    remember(hash, entry);
    return entry;
  }

  async function fetchFromIntercom(externalId: string, intercom: IntercomClient) {
    const mapped = await options.contacts.intercomId(externalId);
    if (mapped) {
      try {
        return await intercom.getContact(mapped);
      } catch (error) {
        if (!(isAppError(error) && error.status === 404)) throw error;
        await options.contacts.forgetId(externalId);
      }
    }
    const found = await intercom.findContactByExternalId(externalId);
    if (found) await options.contacts.rememberId(externalId, found.id);
    return found;
  }

  const view = (entry: Entry, stale: boolean): CachedContact => ({
    contact: entry.contact,
    cachedAt: new Date(entry.cachedAt).toISOString(),
    stale,
  });

  return {
    /** The contact, or undefined when Intercom has none with this external_id. */
    async get(externalId: string): Promise<CachedContact | undefined> {
      const cached = await read(externalId);
      if (cached && now() - cached.cachedAt < freshMs) return view(cached, false);
      if (!options.intercom) {
        if (cached) return view(cached, true);
        throw new AppError('INTERCOM_UNAVAILABLE', 'no copy cached and no Intercom access here', {
          retryAfterMs: 5_000,
        });
      }
      try {
        const contact = await fetchFromIntercom(externalId, options.intercom);
        if (!contact) {
          await this.drop(externalId);
          return undefined;
        }
        return view(await store(externalId, contact as Entry['contact']), false);
      } catch (error) {
        if (cached && isAppError(error) && OUTAGE_CODES.has(error.code)) return view(cached, true);
        throw error;
      }
    },

    /** A copy from elsewhere (a webhook's item): newer than whatever is held. */
    async put(externalId: string, contact: Entry['contact']): Promise<void> {
      await store(externalId, contact);
    },

    async drop(externalId: string): Promise<void> {
      const hash = hashOf(externalId);
      local.delete(hash);
      await options.redis.del(key(hash));
      await invalidate(hash);
    },
  };
}

export type ContactCache = ReturnType<typeof createContactCache>;
