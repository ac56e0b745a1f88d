import { type Detection, detectChanges } from './change-detect.ts';
import { type ChangeData, type ChangeSource, changeEntry } from './change-entry.ts';
import { companyState, contactState, type FedObject, type FedState } from './fed-fields.ts';
import type { FeedLookups } from './feed-lookups.ts';
import type { FeedRecord, FeedStore, GoneReason } from './feed-store.ts';
import { pathId, valueHash, type WriteLedger } from './field-hashes.ts';

type Item = Record<string, unknown>;

/** What recording one state did, for metrics and tests. */
export type FeedOutcome = {
  object: FedObject | 'conversation';
  /** A change recorded; an echo of the relay's own write; nothing new; out of date; gone. */
  outcome: 'change' | 'echo' | 'unchanged' | 'stale' | 'gone';
  type?: string;
  /** The Intercom id of the record (for logs: ids only). */
  intercomId: string;
  /** CRM-owned fields someone else changed in Intercom (FEED_CRM_OWNED_FIELDS). */
  conflicts: string[];
  cursor?: string;
  /** For a change: when it happened in Intercom (Unix seconds; its updated_at). */
  occurredAt?: number;
};

export type FeedRecorderDeps = {
  store: FeedStore;
  lookups: FeedLookups;
  crmOwned: ReadonlySet<string>;
  /** Told of every outcome, with its source (metrics). */
  observe?: ((outcome: FeedOutcome, source: ChangeSource) => void) | undefined;
  now?: () => number;
};

/** Pseudo-fields of the write ledger for what is not a field: archive, merge, delete. */
export const LIFECYCLE = { archived: '@archived', gone: '@gone' } as const;
const COMMIT_TRIES = 20;

const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : null);
const seconds = (value: unknown) => (typeof value === 'number' ? value : 0);

function ledgerHas(ledger: WriteLedger, path: string, value: unknown): boolean {
  return ledger.get(pathId(path))?.includes(valueHash(value)) ?? false;
}

function mergeLedgers(a: WriteLedger, b: WriteLedger): WriteLedger {
  if (b.size === 0) return a;
  const merged = new Map(a);
  for (const [id, hashes] of b)
    merged.set(id, [...new Set([...(merged.get(id) ?? []), ...hashes])]);
  return merged;
}

/**
 * Turns what Intercom says about a record (a notification's item, a sweep's result) into
 * changes on the log: compared with the record's snapshot, the relay's own writes and the
 * CRM's fields set apart (see the glossary: snapshot, echo rule, version).
 */
export function createFeedRecorder(deps: FeedRecorderDeps) {
  const now = deps.now ?? Date.now;
  const { store } = deps;
  const observed = async (source: ChangeSource, outcome: Promise<FeedOutcome>) => {
    const result = await outcome;
    deps.observe?.(result, source);
    return result;
  };

  type Decision =
    | { outcome: 'stale' }
    | {
        outcome: 'change' | 'echo' | 'unchanged';
        type?: string;
        conflicts: string[];
        update: Parameters<FeedStore['commit']>[3];
        change?: Parameters<FeedStore['commit']>[4];
        occurredAt?: number;
        nothingToStore?: boolean;
      };

  /** Reads, decides and commits until no other process changed the record in between. */
  async function settle(
    object: FedObject,
    intercomId: string,
    decide: (record: FeedRecord, intent: WriteLedger) => Promise<Decision>,
    crmId?: string | null,
  ): Promise<FeedOutcome> {
    // A create's intent is read only when the commit says one exists (rare: the relay's own
    // creates); the record is read by the commit itself when the store's copy is not it.
    let intent: WriteLedger | undefined;
    for (let tries = 0; tries < COMMIT_TRIES; tries += 1) {
      const record = await store.read(object, intercomId);
      if (record.gone) return { object, intercomId, outcome: 'gone', conflicts: [] };
      const decision = await decide(record, intent ?? new Map());
      if (decision.outcome === 'stale') {
        return { object, intercomId, outcome: 'stale', conflicts: [] };
      }
      // The same state again (a redelivery, a sweep): nothing to store.
      if (decision.nothingToStore) {
        return { object, intercomId, outcome: decision.outcome, conflicts: [] };
      }
      const committed = await store.commit(
        object,
        intercomId,
        record,
        decision.update,
        decision.change,
        crmId ? { crmId, seen: intent !== undefined } : undefined,
      );
      // 'changed': the store now holds the record as it is; decide again on that.
      if (committed.status === 'intent' && crmId) intent = await store.readIntent(object, crmId);
      if (committed.status !== 'done') continue;
      const { cursor } = committed;
      const outcome: FeedOutcome = {
        object,
        intercomId,
        outcome: decision.outcome,
        conflicts: decision.conflicts,
      };
      if (decision.type) outcome.type = decision.type;
      if (cursor) outcome.cursor = cursor;
      if (decision.occurredAt) outcome.occurredAt = decision.occurredAt;
      return outcome;
    }
    throw new Error(`the feed record ${object} ${intercomId} kept changing while being recorded`);
  }

  /** A contact's or company's state: a change when someone other than the relay changed it. */
  async function recordState(
    object: FedObject,
    item: Item & { id: string },
    state: FedState,
    options: {
      crmId: string | null;
      created: boolean;
      source: ChangeSource;
      refresh?: () => Promise<FedState | undefined>;
    },
  ): Promise<FeedOutcome> {
    let current = { item, state };
    return settle(
      object,
      item.id,
      async (record, intent) => {
        let updatedAt = seconds(current.item.updated_at);
        // Only the relay's own writes noted so far (no state applied): nothing to be newer than.
        const seen = record.updatedAt > 0 || record.version > 0;
        if (seen && updatedAt < record.updatedAt) return { outcome: 'stale' };
        const ledger = mergeLedgers(record.ledger, intent);
        let detection = detectChanges(record.snapshot, current.state.fields, ledger, deps.crmOwned);
        if (seen && updatedAt === record.updatedAt && differs(detection) && options.refresh) {
          // Two states in the same second: which is newer, Intercom alone can say.
          const state = await options.refresh();
          if (!state) return { outcome: 'stale' }; // gone since: its deletion is told apart
          detection = detectChanges(record.snapshot, state.fields, ledger, deps.crmOwned);
          current = { item: current.item, state };
          updatedAt = record.updatedAt;
        }
        const unarchived = record.archived && !ledgerHas(ledger, LIFECYCLE.archived, false);
        const type =
          !seen && options.created
            ? `${object}.created`
            : unarchived
              ? 'contact.unarchived'
              : `${object}.updated`;
        const isChange = detection.changed.length > 0 || unarchived;
        const version = record.version + (isChange ? 1 : 0);
        const decision = {
          outcome: isChange
            ? ('change' as const)
            : detection.echoed.length > 0
              ? ('echo' as const)
              : ('unchanged' as const),
          type: isChange ? type : undefined,
          conflicts: detection.conflicts,
          update: {
            version,
            updatedAt,
            snapshot: detection.snapshot,
            // Sent only when they change: an intent taken over, an archive flag cleared.
            ...(intent.size > 0 ? { ledger } : {}),
            ...(record.archived ? { archived: false } : {}),
          },
          nothingToStore:
            seen &&
            !record.archived &&
            updatedAt === record.updatedAt &&
            !differs(detection) &&
            intent.size === 0,
        };
        if (!isChange) return decision;
        const data: ChangeData = {
          object,
          intercom_id: item.id,
          ...(object === 'contact'
            ? { external_id: text(current.item.external_id) }
            : { company_id: text(current.item.company_id) }),
          version,
          changed: detection.changed,
          attributes: current.state.attributes,
          source: options.source,
          occurred_at: updatedAt,
        };
        return {
          ...decision,
          change: changeEntry(type, data, [item.id], now()),
          occurredAt: updatedAt,
        };
      },
      options.crmId,
    );
  }

  /** Archive, delete or merge: ids only, an echo when the relay did it. */
  async function recordLifecycle(
    object: FedObject,
    ref: { id: string; external_id?: string | null; company_id?: string | null },
    event: {
      type: string;
      gone?: GoneReason;
      archived?: boolean;
      mergedInto?: ChangeData['merged_into'];
    },
    occurredAt: number,
  ): Promise<FeedOutcome> {
    return observed(
      'webhook',
      settle(object, ref.id, async (record) => {
        const path = event.gone ? LIFECYCLE.gone : LIFECYCLE.archived;
        const mine = ledgerHas(record.ledger, path, event.gone ?? true);
        const version = record.version + (mine ? 0 : 1);
        const update = {
          version,
          ...(event.gone ? { gone: event.gone } : { archived: true }),
        };
        if (mine) return { outcome: 'echo' as const, conflicts: [], update };
        const data: ChangeData = {
          object,
          intercom_id: ref.id,
          ...(object === 'contact'
            ? { external_id: ref.external_id ?? null }
            : { company_id: ref.company_id ?? null }),
          version,
          ...(event.mergedInto ? { merged_into: event.mergedInto } : {}),
          source: 'webhook',
          occurred_at: occurredAt,
        };
        return {
          outcome: 'change' as const,
          type: event.type,
          conflicts: [],
          update,
          change: changeEntry(event.type, data, [ref.id], now()),
        };
      }),
    );
  }

  return {
    async contact(item: Item & { id: string }, source: ChangeSource, created = false) {
      const state = contactState(item, await deps.lookups.contactLists(item));
      return observed(
        source,
        recordState('contact', item, state, {
          crmId: text(item.external_id),
          created,
          source,
          refresh: async () => {
            const fresh = await deps.lookups.freshContact(item.id);
            return fresh && contactState(fresh, await deps.lookups.contactLists(fresh));
          },
        }),
      );
    },
    async company(item: Item & { id: string }, source: ChangeSource, created = false) {
      const companyId = text(item.company_id);
      if (companyId) await deps.lookups.rememberCompany(item.id, companyId);
      return observed(
        source,
        recordState('company', item, companyState(item), {
          crmId: companyId,
          created,
          source,
        }),
      );
    },
    contactArchived: (ref: { id: string; external_id?: string | null }, at: number) =>
      recordLifecycle('contact', ref, { type: 'contact.archived', archived: true }, at),
    contactDeleted: (ref: { id: string; external_id?: string | null }, at: number) =>
      recordLifecycle('contact', ref, { type: 'contact.deleted', gone: 'deleted' }, at),
    contactMerged: (
      from: { id: string; external_id?: string | null },
      into: { id: string; external_id?: string | null },
      at: number,
    ) =>
      recordLifecycle(
        'contact',
        from,
        {
          type: 'contact.merged',
          gone: 'merged',
          mergedInto: { intercom_id: into.id, external_id: into.external_id ?? null },
        },
        at,
      ),
    companyDeleted: (ref: { id: string; company_id?: string | null }, at: number) =>
      recordLifecycle('company', ref, { type: 'company.deleted', gone: 'deleted' }, at),
  };
}

function differs(detection: Detection): boolean {
  return detection.changed.length + detection.echoed.length + detection.conflicts.length > 0;
}

export type FeedRecorder = ReturnType<typeof createFeedRecorder>;
