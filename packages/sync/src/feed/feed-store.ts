import { createHash } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';
import type { FedObject } from './fed-fields.ts';
import { COMMIT, NOTE_WRITE } from './feed-scripts.ts';
import {
  decodeLedger,
  decodeSnapshot,
  encodeLedger,
  encodeSnapshot,
  type FieldHashes,
  ledgerWith,
  type WriteLedger,
} from './field-hashes.ts';

/** Why a record is gone; a gone record takes no more changes (a late notification). */
export type GoneReason = 'deleted' | 'merged' | 'erased';

/**
 * What the feed keeps per record, in one Redis hash keyed by the Intercom id (no personal
 * data: see field-hashes.ts): `n` counts writes to the hash (the compare-and-set token),
 * `v` the version, `t` the newest `updated_at` applied, `s` the snapshot, `w` the write
 * ledger, `a` archived, `g` gone (then the hash expires with the log's retention).
 */
export type FeedRecord = {
  exists: boolean;
  n: string;
  version: number;
  updatedAt: number;
  snapshot: FieldHashes;
  ledger: WriteLedger;
  archived: boolean;
  gone?: GoneReason | undefined;
};

export type RecordUpdate = {
  version: number;
  updatedAt?: number;
  snapshot?: FieldHashes;
  ledger?: WriteLedger;
  archived?: boolean;
  gone?: GoneReason;
};

/** A change to append: its JSON (without id) and the Intercom ids it names (for erasure). */
export type ChangeEntry = { json: string; refs: string[] };

const INTENT_TTL_MS = 86_400_000;

/** The feed's Redis keys (CRM ids are often emails: none reaches a key name). */
export function feedKeys(prefix: string) {
  return {
    record: (object: FedObject, intercomId: string) => `${prefix}:feed:${object}:${intercomId}`,
    intent: (object: FedObject, crmId: string) =>
      `${prefix}:feed:intent:${object}:${createHash('sha1').update(crmId).digest('hex')}`,
    log: `${prefix}:feed:log`,
    trimmed: `${prefix}:feed:log-trimmed`,
  };
}

export type FeedKeys = ReturnType<typeof feedKeys>;

export type FeedStoreOptions = { retentionMs: number };

export function createFeedStore(redis: Redis | Cluster, prefix: string, options: FeedStoreOptions) {
  const keys = feedKeys(prefix);
  const commitScript = (keyList: string[], args: (string | Buffer)[]) =>
    redis.eval(COMMIT, keyList.length, ...keyList, ...args) as Promise<string | null>;

  async function read(object: FedObject, intercomId: string): Promise<FeedRecord> {
    const hash = await redis.hgetallBuffer(keys.record(object, intercomId));
    const field = (name: string) => hash[name]?.toString();
    const gone = field('g') as GoneReason | undefined;
    return {
      exists: hash.n !== undefined,
      n: field('n') ?? '',
      version: Number(field('v') ?? 0),
      updatedAt: Number(field('t') ?? 0),
      snapshot: decodeSnapshot(hash.s),
      ledger: decodeLedger(hash.w),
      archived: field('a') === '1',
      gone,
    };
  }

  async function readIntent(object: FedObject, crmId: string): Promise<WriteLedger> {
    return decodeLedger((await redis.getBuffer(keys.intent(object, crmId))) ?? undefined);
  }

  /**
   * Applies `update` if the record is still as `record` was read, with the change appended to
   * the log in the same step. Returns false when the record changed meanwhile (read again),
   * else the change's cursor (stream id) or null when none was recorded.
   */
  async function commit(
    object: FedObject,
    intercomId: string,
    record: FeedRecord,
    update: RecordUpdate,
    change?: ChangeEntry,
    consumedIntentOf?: string,
  ): Promise<false | string | null> {
    const pairs: (string | Buffer)[] = ['v', String(update.version)];
    if (update.updatedAt !== undefined) pairs.push('t', String(update.updatedAt));
    if (update.snapshot) pairs.push('s', encodeSnapshot(update.snapshot));
    if (update.ledger) pairs.push('w', encodeLedger(update.ledger));
    if (update.archived !== undefined) pairs.push('a', update.archived ? '1' : '');
    if (update.gone) pairs.push('g', update.gone, 's', '', 'w', '', 'a', '');
    const result = await commitScript(
      [
        keys.record(object, intercomId),
        keys.log,
        keys.trimmed,
        keys.intent(object, consumedIntentOf ?? ''),
      ],
      [
        record.n,
        update.gone ? String(options.retentionMs) : '0',
        change?.json ?? '',
        change ? change.refs.join(' ') : '',
        String(options.retentionMs),
        consumedIntentOf === undefined ? '0' : '1',
        ...pairs,
      ],
    );
    if (result === null) return false;
    return result === 'ok' ? null : result;
  }

  /**
   * Notes a write the relay is about to make, so its echo is known (see the glossary: write
   * ledger). With the Intercom id on the record; for a create (no id yet) as an intent under
   * the CRM id, which the create's notification takes over.
   */
  async function noteWrite(
    object: FedObject,
    target: { intercomId?: string | undefined; crmId: string },
    fields: ReadonlyMap<string, unknown>,
  ): Promise<void> {
    if (fields.size === 0) return;
    const written = encodeLedger(ledgerWith(new Map(), fields));
    const [key, mode] =
      target.intercomId === undefined
        ? [keys.intent(object, target.crmId), 'intent']
        : [keys.record(object, target.intercomId), 'hash'];
    await redis.eval(NOTE_WRITE, 1, key, mode, String(INTENT_TTL_MS), written);
  }

  /** Appends a change that belongs to no record's versions (conversations, an erasure). */
  async function append(change: ChangeEntry): Promise<string> {
    return (await redis.xadd(keys.log, '*', 'c', change.json, 'r', change.refs.join(' '))) ?? '';
  }

  return { keys, read, readIntent, commit, noteWrite, append };
}

export type FeedStore = ReturnType<typeof createFeedStore>;
