import { type RedisServer, startRedisServer } from '@relay/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { startWorkerHarness } from './worker-harness.ts';

let harness: Awaited<ReturnType<typeof startWorkerHarness>> | undefined;
let replica: RedisServer | undefined;
afterEach(async () => {
  await harness?.close();
  await replica?.stop();
  harness = undefined;
  replica = undefined;
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('workers whose replicas do not confirm (REDIS_ACK_REPLICAS)', () => {
  it('hold the lane without using attempts, write nothing, and go on once a replica is back', async () => {
    // A failover (or a replica's outage) must not spend the backlog's attempts: the cluster
    // fault test lost its whole backlog to dead letters that way before.
    harness = await startWorkerHarness([], {
      REDIS_ACK_REPLICAS: '1',
      REDIS_ACK_TIMEOUT_MS: '100',
    });
    const [result] = await harness.producer.enqueueContactUpserts([
      { external_id: 'crm-unreplicated', name: 'Ada' },
    ]);
    const jobId = result?.ok ? result.jobId : '';
    await sleep(4_000); // several 1–5 s retries' worth, were the job retried
    const held = await harness.syncQueue.getJob(jobId);
    expect(await held?.getState()).not.toBe('failed');
    expect(held?.attemptsMade).toBe(0);
    expect(await harness.simContacts()).toEqual([]);
    expect(harness.logs.join('')).not.toContain('will retry job');

    const port = new URL(harness.redisUrl).port;
    replica = await startRedisServer({ extraArgs: ['--replicaof', '127.0.0.1', port] });
    const done = await harness.settled('sync', jobId, 30_000);
    expect(done.state).toBe('completed');
    const contacts = await harness.simContacts();
    expect(contacts.map((contact) => [contact.external_id, contact.name])).toEqual([
      ['crm-unreplicated', 'Ada'],
    ]);
  }, 60_000);
});
