import type { Cluster, Redis } from 'ioredis';

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
 * The audit trail of GDPR erasures (a Redis stream, `<prefix>:audit:erasure`): one record per
 * erasure, with no personal data besides the external id.
 */
export function createErasureAudit(redis: Redis | Cluster, prefix: string) {
  const auditKey = `${prefix}:audit:erasure`;

  return {
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

export type ErasureAuditLog = ReturnType<typeof createErasureAudit>;

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
