import { createHash } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';
import type { FedObject } from './fed-fields.ts';
import { feedScripts } from './feed-scripts.ts';
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
/**
 * A change as the log keeps it: its JSON (`c`), the Intercom ids it names (`r`, for erasure),
 * and the record it is a version of (`k`, `<object>.<intercom id>`, '' for none) with that
 * version (`v`): the push stages by them without parsing the change.
 */
export type ChangeEntry = { json: string; refs: string[]; record: string; version: string };

const INTENT_TTL_MS = 86_400_000;
/** Records kept per process (about 300 bytes each). */
const RECENT_RECORDS = 10_000;

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

/**
 * A write of the relay, noted in the ledger (see NOTE_WRITE_FUNCTION): on its own, or with the
 * records' write mark, in the same step (records/record-state.ts: markWrite).
 */
export type LedgerNote = { key: string; mode: 'hash' | 'intent'; ttlMs: string; written: Buffer };

/** A record from its Redis hash (empty: absent). */
function recordFrom(hash: Record<string, Buffer>): FeedRecord {
  const field = (name: string) => hash[name]?.toString();
  return {
    n: field('n') ?? '',
    version: Number(field('v') ?? 0),
    updatedAt: Number(field('t') ?? 0),
    snapshot: decodeSnapshot(hash.s),
    ledger: decodeLedger(hash.w),
    archived: field('a') === '1',
    gone: field('g') as GoneReason | undefined,
  };
}

export function createFeedStore(redis: Redis | Cluster, prefix: string, options: FeedStoreOptions) {
  const keys = feedKeys(prefix);
  const scripts = feedScripts(redis);

  /**
   * Records as this process last read, wrote or was told of them (n included): a decision made
   * on one is safe, because a commit applies only while `n` is unchanged (another process, or
   * a noted write, bumps it: the commit fails and answers the record as it is). A record this
   * process does not know is taken to be absent (the usual case for a record seen the first
   * time): the commit tells otherwise, with the record. So most notifications cost one round
   * trip, and none costs more than two.
   */
  const recent = new Map<string, FeedRecord>();
  const remember = (key: string, record: FeedRecord) => {
    recent.delete(key);
    if (recent.size >= RECENT_RECORDS) recent.delete(recent.keys().next().value as string);
    recent.set(key, record);
  };

  /**
   * The record: from Redis when `fresh`, else as this process knows it, or taken to be absent
   * (see `recent`: a commit on a wrong guess fails and answers the record as it is).
   */
  async function read(object: FedObject, intercomId: string, fresh = false): Promise<FeedRecord> {
    const key = keys.record(object, intercomId);
    if (!fresh) return recent.get(key) ?? recordFrom({});
    const record = recordFrom(await redis.hgetallBuffer(key));
    remember(key, record);
    return record;
  }

  /** The intent noted under a CRM id (a create of the relay whose echo is not yet seen). */
  async function readIntent(object: FedObject, crmId: string): Promise<WriteLedger> {
    return decodeLedger((await redis.getBuffer(keys.intent(object, crmId))) ?? undefined);
  }

  /**
   * Applies `update` if the record is still as `record` was read, with the change appended to
   * the log in the same step. `intent`: the CRM id whose intent the caller read and took into
   * account (it goes), or `unseen` with the CRM id whose intent the caller did not read. Answers
   * `changed` when the record changed meanwhile (read it again), `intent` when an intent the
   * caller did not see exists (read it), else `done` with the change's cursor, if one.
   */
  async function commit(
    object: FedObject,
    intercomId: string,
    record: FeedRecord,
    update: RecordUpdate,
    change?: ChangeEntry,
    intent?: { crmId: string; seen: boolean },
  ): Promise<{ status: 'changed' | 'intent' } | { status: 'done'; cursor: string | null }> {
    const pairs: (string | Buffer)[] = ['v', String(update.version)];
    if (update.updatedAt !== undefined) pairs.push('t', String(update.updatedAt));
    if (update.snapshot) pairs.push('s', encodeSnapshot(update.snapshot));
    if (update.ledger) pairs.push('w', encodeLedger(update.ledger));
    if (update.archived !== undefined) pairs.push('a', update.archived ? '1' : '');
    if (update.gone) pairs.push('g', update.gone, 's', '', 'w', '', 'a', '');
    const key = keys.record(object, intercomId);
    const reply = await scripts.relayFeedCommitBuffer(
      key,
      keys.log,
      keys.trimmed,
      keys.intent(object, intent?.crmId ?? ''),
      ...[
        record.n,
        update.gone ? String(options.retentionMs) : '0',
        change?.json ?? '',
        change ? change.refs.join(' ') : '',
        String(options.retentionMs),
        intent === undefined ? '-' : intent.seen ? '1' : '0',
        change?.record ?? '',
        change?.version ?? '',
        ...pairs,
      ],
    );
    if (Array.isArray(reply)) {
      // 'changed', then the record's fields and values as they are.
      const hash: Record<string, Buffer> = {};
      for (let at = 1; at + 1 < reply.length; at += 2) {
        hash[String(reply[at])] = reply[at + 1] as Buffer;
      }
      remember(key, recordFrom(hash));
      return { status: 'changed' };
    }
    const result = reply.toString();
    if (result === 'intent') return { status: 'intent' };
    remember(key, {
      n: String(Number(record.n || 0) + 1),
      version: update.version,
      updatedAt: update.updatedAt ?? record.updatedAt,
      snapshot: update.gone ? new Map() : (update.snapshot ?? record.snapshot),
      ledger: update.gone ? new Map() : (update.ledger ?? record.ledger),
      archived: update.gone ? false : (update.archived ?? record.archived),
      gone: update.gone ?? record.gone,
    });
    return { status: 'done', cursor: result === 'ok' ? null : result };
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
    const note = ledgerNote(object, target, fields);
    if (note) await applyNotes([note]);
  }

  /** What noteWrite sends, without sending it (a run's first write sends it with its mark). */
  function ledgerNote(
    object: FedObject,
    target: { intercomId?: string | undefined; crmId: string },
    fields: ReadonlyMap<string, unknown>,
  ): LedgerNote | undefined {
    if (fields.size === 0) return undefined;
    const intent = target.intercomId === undefined;
    return {
      key: intent
        ? keys.intent(object, target.crmId)
        : keys.record(object, target.intercomId as string),
      mode: intent ? 'intent' : 'hash',
      ttlMs: String(INTENT_TTL_MS),
      written: encodeLedger(ledgerWith(new Map(), fields)),
    };
  }

  async function applyNotes(notes: readonly LedgerNote[]): Promise<void> {
    for (const note of notes) {
      await scripts.relayFeedNoteWrite(note.key, note.mode, note.ttlMs, note.written);
      recent.delete(note.key); // its n moved: a decision on the copy would only fail
    }
  }

  /** Appends a change that belongs to no record's versions (conversations, an erasure). */
  async function append(change: ChangeEntry): Promise<string> {
    const fields = [
      'c',
      change.json,
      'r',
      change.refs.join(' '),
      'k',
      change.record,
      'v',
      change.version,
    ];
    return (await redis.xadd(keys.log, '*', ...fields)) ?? '';
  }

  return { keys, read, readIntent, commit, noteWrite, ledgerNote, applyNotes, append };
}

export type FeedStore = ReturnType<typeof createFeedStore>;
