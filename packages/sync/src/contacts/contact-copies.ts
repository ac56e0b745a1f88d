import { createHash } from 'node:crypto';
import type { IntercomContact } from '@relay/intercom';
import type { Cluster, Redis } from 'ioredis';

export type ContactCopiesOptions = {
  redis: Redis | Cluster;
  prefix: string;
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

/** A copy of a contact as Intercom last described it, and when (epoch ms). */
export type ContactCopy = { contact: IntercomContact & Record<string, unknown>; cachedAt: number };
type Entry = ContactCopy;

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
 * Copies of contacts as Intercom last described them (the contact directory's read cache): an
 * in-process LRU (short TTL, and evicted at once through Redis pub/sub when any process stores
 * or drops a copy) over Redis (`<prefix>:cache:contact:<sha256(external_id)>`, kept a day).
 * Dropping a contact Intercom no longer has (deleted, erased, merged away) with its id marks
 * it gone: a late copy of it (a redelivered notification, a webhook job that waited behind the
 * erasure, a read or a lagging search that saw it just before) is refused (see the glossary:
 * gone mark).
 */
export function createContactCopies(options: ContactCopiesOptions) {
  const now = options.now ?? Date.now;
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

  return {
    /** The copy held, if any (the in-process layer first). */
    read,

    /** Stores a copy; undefined, and nothing stored, when Intercom no longer has that contact. */
    store,

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
