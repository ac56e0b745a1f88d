import type { Queue } from 'bullmq';
import type { Cluster, Redis } from 'ioredis';
import { contactDedupId, contactJobIdPrefixes } from '../job-ids.ts';

/**
 * The queue side of a GDPR erasure: every job that carries the contact's data (in any state
 * but running; the contact's record lock keeps its jobs from running meanwhile), its
 * deduplication keys and stored follow-ups, removed from every lane's queue. Resolves to how
 * many jobs went.
 */
export function createContactJobRemoval(
  redis: Redis | Cluster,
  prefix: string,
  queues: readonly Queue[],
) {
  return async function removeContactJobs(externalId: string): Promise<number> {
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
