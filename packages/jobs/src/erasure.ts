import type { Queue } from 'bullmq';
import type { Cluster, Redis } from 'ioredis';
import { contactDedupId, contactJobIdPrefixes } from './job-ids.ts';

/** What an erasure did, kept as its audit record: no personal data besides the external id. */
export type ErasureAudit = {
  at: string;
  externalId: string;
  /** deleted: Intercom had the contact and deleted it; not_found: Intercom did not have it. */
  outcome: 'deleted' | 'not_found';
  intercomRequestId?: string;
  jobId: string;
  /** Queued, completed or failed jobs that carried the contact's data, removed. */
  jobsRemoved: number;
};

const AUDIT_MAX_ENTRIES = 1_000_000;

/**
 * The Redis side of a GDPR erasure: removing every job that carries the contact's data (in
 * any state but running; the contact's lock keeps its jobs from running meanwhile), its
 * deduplication keys and stored follow-ups, and the audit trail (a Redis stream).
 */
export function createErasureStore(redis: Redis | Cluster, prefix: string) {
  const auditKey = `${prefix}:audit:erasure`;

  return {
    async removeContactJobs(externalId: string, queues: readonly Queue[]): Promise<number> {
      let removed = 0;
      for (const queue of queues) {
        const queuePrefix = `${prefix}:${queue.name}:`;
        for (const idPrefix of contactJobIdPrefixes(externalId)) {
          for (const key of await scanKeys(redis, `${queuePrefix}${idPrefix}*`)) {
            const jobId = key.slice(queuePrefix.length);
            if (jobId.includes(':')) continue; // a job's sub-key (logs, lock), not the job
            removed += (await queue.remove(jobId)) === 1 ? 1 : 0;
          }
        }
        const dedupId = contactDedupId(externalId);
        await redis.del(`${queuePrefix}de:${dedupId}`, `${queuePrefix}dn:${dedupId}`);
      }
      return removed;
    },

    async record(entry: ErasureAudit): Promise<void> {
      const fields = Object.entries(entry).flatMap(([name, value]) =>
        value === undefined ? [] : [name, String(value)],
      );
      await redis.xadd(auditKey, 'MAXLEN', '~', AUDIT_MAX_ENTRIES, '*', ...fields);
    },

    /** Newest first; only the given contact's when `externalId` is set. */
    async list(options: { externalId?: string; limit?: number } = {}): Promise<ErasureAudit[]> {
      const limit = options.limit ?? 100;
      const found: ErasureAudit[] = [];
      let end = '+';
      for (;;) {
        const page = await redis.xrevrange(auditKey, end, '-', 'COUNT', 500);
        for (const [, fields] of page) {
          const entry = toAudit(fields);
          if (options.externalId === undefined || entry.externalId === options.externalId) {
            found.push(entry);
            if (found.length >= limit) return found;
          }
        }
        if (page.length < 500) return found;
        end = `(${page.at(-1)?.[0]}`;
      }
    },
  };
}

export type ErasureStore = ReturnType<typeof createErasureStore>;

function toAudit(fields: string[]): ErasureAudit {
  const record: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2)
    record[fields[i] as string] = fields[i + 1] as string;
  return {
    at: record.at ?? '',
    externalId: record.externalId ?? '',
    outcome: record.outcome === 'deleted' ? 'deleted' : 'not_found',
    ...(record.intercomRequestId ? { intercomRequestId: record.intercomRequestId } : {}),
    jobId: record.jobId ?? '',
    jobsRemoved: Number(record.jobsRemoved ?? 0),
  };
}

/** Every key matching `pattern`, on a single Redis or on every master of a cluster. */
async function scanKeys(redis: Redis | Cluster, pattern: string): Promise<string[]> {
  const nodes =
    'nodes' in redis && typeof redis.nodes === 'function'
      ? redis.nodes('master')
      : [redis as Redis];
  const keys: string[] = [];
  for (const node of nodes) {
    let cursor = '0';
    do {
      const [next, batch] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 1_000);
      keys.push(...batch);
      cursor = next;
    } while (cursor !== '0');
  }
  return keys;
}
