import { useRedis } from '@relay/testkit';
import { ReplyError } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { jobStoreFailure } from '../src/redis/redis-failure.ts';

const redis = useRedis();

const codeOf = (cause: unknown) => jobStoreFailure(cause, redis.client, 'unavailable').code;

describe('a failed call to the job store, as the caller sees it', () => {
  it('is QUEUE_UNAVAILABLE (503, retry) for what ioredis says while a cluster fails over', () => {
    // The messages a Redis Cluster failover produced in the cluster fault test, where a
    // ready connection made them 500s before (see the glossary: cluster failover).
    for (const message of [
      'Too many Cluster redirections. Last error: Error: Connection is closed.',
      'Too many Cluster redirections. Last error: ReplyError: MOVED 1341 127.0.0.1:45143',
      'Too many Cluster redirections. Last error: ReplyError: CLUSTERDOWN The cluster is down',
      'Connection is closed.',
      "Cluster isn't ready and enableOfflineQueue options is false",
      'Failed to refresh slots cache.',
      // Seen in the Sentinel failover test, under a job's run and a store.
      'Reached the max retries per request limit (which is 2). Refer to "maxRetriesPerRequest" option for details.',
      "Stream isn't writeable and enableOfflineQueue options is false",
      'Command aborted due to connection close',
    ]) {
      expect(codeOf(new Error(message)), message).toBe('QUEUE_UNAVAILABLE');
    }
    expect(codeOf(new ReplyError('CLUSTERDOWN The cluster is down'))).toBe('QUEUE_UNAVAILABLE');
  });

  it('is INTERNAL for a refusal no wait cures, on a connection that can send', async () => {
    expect(await redis.client.ping()).toBe('PONG');
    expect(codeOf(new ReplyError('ERR wrong number of arguments for script'))).toBe('INTERNAL');
    expect(codeOf(new Error('Missing lock for job 12. moveToFinished'))).toBe('INTERNAL');
  });
});
