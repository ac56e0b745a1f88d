import { createHash } from 'node:crypto';
import { AppError, isAppError } from '@relay/errors';
import type { IntercomClient, IntercomContact } from '@relay/intercom';
import type { ContactState } from '@relay/sync';
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
  /**
   * How long a contact Intercom no longer has (deleted, erased, merged away) is remembered,
   * so no late copy of it is cached again: Intercom redelivers a notification within hours,
   * and a dead-lettered webhook job can be replayed for 7 days. @defaultValue 604800000
   */
  goneMs?: number;
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
 * KEYS: the copy, the contact's gone mark. ARGV: the copy, keep ms. Stores the copy unless
 * Intercom no longer has that contact: one step, so a copy read or notified before an
 * erasure and stored after it cannot bring the erased data back.
 */
const PUT_UNLESS_GONE = `
if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
`;

type CacheScripts = {
  relayCachePutUnlessGone(
    key: string,
    gone: string,
    entry: string,
    keepMs: number,
  ): Promise<number>;
};

/**
 * Contacts as Intercom last described them, read through: an in-process LRU (short TTL, and
 * evicted at once through Redis pub/sub when any process puts or drops a copy) over Redis
 * (`<prefix>:cache:contact:<sha256(external_id)>`, kept a day). A fresh copy is served as is; an old one is refreshed
 * from Intercom, and served with `stale: true` when Intercom fails. Webhooks write copies
 * (`put`); deletions and erasures remove them (`drop`), and with the contact's Intercom id
 * mark it gone: a late copy of it (a redelivered notification, a webhook job that waited
 * behind the erasure, a read or a lagging search that saw it just before) is refused.
 */
export function createContactCache(options: ContactCacheOptions) {
  const now = options.now ?? Date.now;
  const freshMs = options.freshMs ?? 300_000;
  const keepMs = options.keepMs ?? 86_400_000;
  const goneMs = options.goneMs ?? 604_800_000;
  const localTtlMs = options.localTtlMs ?? 30_000;
  const localEntries = options.localEntries ?? 10_000;
  // The in-process layer, keyed by the external_id's hash (what invalidations carry).
  const local = new Map<string, Entry & { storedAt: number }>();
  const useLocal = options.subscriber !== undefined && localTtlMs > 0;
  const channel = `${options.prefix}:cache:contact:invalidate`;
  const hashOf = (externalId: string) => createHash('sha256').update(externalId).digest('hex');
  const key = (hash: string) => `${options.prefix}:cache:contact:${hash}`;
  const goneKey = (intercomId: string) =>
    `${options.prefix}:cache:contact-gone:${hashOf(intercomId)}`;
  const scripts = options.redis as unknown as Partial<CacheScripts>;
  if (!scripts.relayCachePutUnlessGone) {
    options.redis.defineCommand('relayCachePutUnlessGone', {
      numberOfKeys: 2,
      lua: PUT_UNLESS_GONE,
    });
  }
  const run = scripts as CacheScripts;

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

  /** Undefined, and nothing stored, when Intercom no longer has that contact. */
  async function store(externalId: string, contact: Entry['contact']): Promise<Entry | undefined> {
    const hash = hashOf(externalId);
    const entry = { contact, cachedAt: now() };
    const stored = await run.relayCachePutUnlessGone(
      key(hash),
      goneKey(contact.id),
      JSON.stringify(entry),
      keepMs,
    );
    if (stored !== 1) return undefined;
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
        const stored = await store(externalId, contact as Entry['contact']);
        return stored ? view(stored, false) : undefined; // erased while it was being read
      } catch (error) {
        if (cached && isAppError(error) && OUTAGE_CODES.has(error.code)) return view(cached, true);
        throw error;
      }
    },

    /**
     * A copy from elsewhere (a webhook's item): newer than whatever is held. False, and
     * nothing stored, when Intercom no longer has that contact (see `drop`).
     */
    async put(externalId: string, contact: Entry['contact']): Promise<boolean> {
      return (await store(externalId, contact)) !== undefined;
    },

    /**
     * Removes the copy. With `goneId`, the Intercom id of a contact Intercom no longer has
     * (deleted, erased, merged away), no copy of that contact is stored again for `goneMs`.
     */
    async drop(externalId: string, goneId?: string): Promise<void> {
      if (goneId) await options.redis.set(goneKey(goneId), '1', 'PX', goneMs);
      const hash = hashOf(externalId);
      local.delete(hash);
      await options.redis.del(key(hash));
      await invalidate(hash);
    },
  };
}

export type ContactCache = ReturnType<typeof createContactCache>;
