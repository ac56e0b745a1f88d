import { createHash } from 'node:crypto';
import type { CompanyInput } from './schemas/company.ts';
import type { ContactInput } from './schemas/contact.ts';

/**
 * Where a record's pending data lives: the contract between the ingress, which stores the
 * latest data the CRM sent for a record before it enqueues the record's job, and the workers,
 * whose job syncs whatever is pending when it runs (packages/sync, records/). The rest of a
 * record's state (its Intercom id, synced hash, write mark, lock) is the workers' and lives
 * in the same hash, described there. Keys carry a hash of the CRM's id (CRM ids are often
 * emails; none reaches a key name).
 */

/** The kinds of record the relay syncs, and how each names itself in the CRM. */
export const RECORD_KINDS = {
  contact: (contact: ContactInput) => contact.external_id,
  company: (company: CompanyInput) => company.company_id,
};

export type RecordKind = keyof typeof RECORD_KINDS;

const RECENT_KEYS = 10_000;

export function syncKeyHash(crmId: string): string {
  return createHash('sha256').update(crmId).digest('hex');
}

/**
 * A record's two keys, its state hash and its lock. A job asks for them several times,
 * interleaved with other jobs: the keys of recent records are kept rather than hashed again.
 */
export function createRecordKeys(prefix: string, kind: RecordKind) {
  const recentKeys = new Map<string, { key: string; lockKey: string }>();
  return (crmId: string) => {
    let entry = recentKeys.get(crmId);
    if (!entry) {
      const hash = syncKeyHash(crmId);
      entry = { key: `${prefix}:${kind}:${hash}`, lockKey: `${prefix}:${kind}-lock:${hash}` };
      if (recentKeys.size >= RECENT_KEYS) recentKeys.clear();
      recentKeys.set(crmId, entry);
    }
    return entry;
  };
}
