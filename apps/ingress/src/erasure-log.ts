import { createStoreGuard, type RedisClient } from '@relay/jobs/redis';
import { createErasureAudit, type ErasureAudit } from '@relay/sync';

/** The erasure audit trail as GET /v1/erasures reads it: newest first, optionally one contact's. */
export type ErasureLog = (query: {
  externalId?: string;
  limit?: number;
}) => Promise<ErasureAudit[]>;

/** Reads the audit within the store's deadline: QUEUE_UNAVAILABLE when Redis cannot answer. */
export function createErasureLog(connection: RedisClient, prefix: string): ErasureLog {
  const audit = createErasureAudit(connection, prefix);
  const store = createStoreGuard(
    connection,
    3_000,
    'the job store (Redis) cannot answer right now; retry later',
  );
  return (query) => store.guard(audit.list(query));
}
