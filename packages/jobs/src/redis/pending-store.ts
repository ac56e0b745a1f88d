import type { Cluster, Redis } from 'ioredis';
import { createRecordKeys, RECORD_KINDS, type RecordKind } from '../record-keys.ts';

/**
 * pending, pending_seq: the latest data the CRM sent that is not yet in Intercom; seq orders
 * the pushes, so a job clears `pending` only if nothing newer arrived meanwhile. Jobs sync
 * whatever is pending when they run, so five updates queued behind each other become one
 * call with the latest data.
 */
const STORE_PENDING = `
local seq = redis.call('HINCRBY', KEYS[1], 'seq', 1)
redis.call('HSET', KEYS[1], 'pending', ARGV[1], 'pending_seq', seq)
return seq
`;

type PendingScripts = { relaySyncStorePending(key: string, pending: string): Promise<number> };

/** Stores a record's latest data (see STORE_PENDING); resolves to its sequence number. */
export function createPendingStore<T>(
  redis: Redis | Cluster,
  prefix: string,
  kind: RecordKind,
): (item: T) => Promise<number> {
  const scripts = redis as unknown as Partial<PendingScripts>;
  if (!scripts.relaySyncStorePending) {
    redis.defineCommand('relaySyncStorePending', { numberOfKeys: 1, lua: STORE_PENDING });
  }
  const keys = createRecordKeys(prefix, kind);
  const crmIdOf = RECORD_KINDS[kind] as (item: T) => string;
  return (item) =>
    (scripts as PendingScripts).relaySyncStorePending(
      keys(crmIdOf(item)).key,
      JSON.stringify(item),
    );
}
