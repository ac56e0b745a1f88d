import type { JobRetention } from '@relay/jobs';
import { DEFAULT_JOB_OPTIONS } from '@relay/jobs/queue';
import { parseMemoryInfo } from '@relay/jobs/redis';
import { createLogger, createMetrics } from '@relay/telemetry';
import { useRedis, waitFor } from '@relay/testkit';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { createRetention } from '../src/retention.ts';
import { startWorkerHarness } from './worker-harness.ts';

// Retention against Redis's own limits (maxmemory refusing writes) and BullMQ's (JOB_KEEP_*);
// the rules under memory pressure are in retention.test.ts.

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const RULES: Pick<JobRetention, 'underPressure'> = {
  underPressure: { completed: { ageMs: 10 * MINUTE, count: 10 }, failedAgeMs: 24 * HOUR },
};

describe('retention at maxmemory (Redis refusing writes)', () => {
  const full = useRedis({ server: { maxmemory: String(256 * 1024 * 1024) } });

  it('still trims completed jobs when Redis is out of memory (the lock cannot be written, deletes still work)', async () => {
    const client = new Redis(full.url);
    const prefix = '{full}';
    const queue = new Queue('relay-sync', { connection: client, prefix });
    try {
      await queue.addBulk(
        Array.from({ length: 3_000 }, (_, i) => ({
          name: 'ok',
          data: { payload: 'x'.repeat(500) },
          opts: { ...DEFAULT_JOB_OPTIONS, jobId: `done-${i}` },
        })),
      );
      const workerConnection = client.duplicate({ maxRetriesPerRequest: null });
      const worker = new Worker('relay-sync', async () => 'ok', {
        connection: workerConnection,
        prefix,
        concurrency: 50,
      });
      await waitFor(
        () => queue.getCompletedCount(),
        (n) => n === 3_000,
        20_000,
        50,
      );
      await worker.close();
      workerConnection.disconnect();
      await queue.add('ok', {}, { ...DEFAULT_JOB_OPTIONS, jobId: 'waiting', delay: HOUR });
      const read = async () => parseMemoryInfo(await client.info('memory'));
      const used = (await read()).usedBytes;
      await client.config('SET', 'maxmemory', String(used - 100_000)); // over the line
      await expect(client.set('probe', '1')).rejects.toThrow(/OOM/);

      const metrics = createMetrics({ service: 'retention-test', defaultMetrics: false });
      const retention = createRetention({
        queues: [queue],
        redis: client,
        prefix,
        retention: RULES,
        readMemory: read,
        metrics,
        logger: createLogger({ service: 'retention-test', level: 'silent' }),
      });
      const pass = await retention.runOnce();
      // The ten newest kept, a few more when jobs finished in the same millisecond as the
      // tenth (50 finish side by side here): never fewer than the rule keeps.
      const kept = await queue.getCompletedCount();
      expect(kept).toBeGreaterThanOrEqual(10);
      expect(kept).toBeLessThan(100);
      expect(pass?.completed).toEqual({ 'relay-sync': 3_000 - kept });
      const after = await read();
      expect(after.usedBytes).toBeLessThan(after.maxBytes);
      expect(await queue.getJobState('waiting')).toBe('delayed');
      expect(await client.set('probe', '1')).toBe('OK'); // room again
    } finally {
      await queue.close();
      client.disconnect();
    }
  });
});

describe('JOB_KEEP_* on the workers', () => {
  it('keeps at most JOB_KEEP_COMPLETED_COUNT completed and JOB_KEEP_FAILED_COUNT failed jobs per queue (BullMQ trims as jobs finish)', async () => {
    const h = await startWorkerHarness([], {
      JOB_KEEP_COMPLETED_COUNT: '3',
      JOB_KEEP_FAILED_COUNT: '2',
    });
    try {
      const results = await h.producer.enqueueContactUpserts(
        Array.from({ length: 8 }, (_, i) => ({ external_id: `keep-${i}`, name: `Keep ${i}` })),
      );
      expect(results.every((r) => r.ok)).toBe(true);
      await h.drained();
      await waitFor(
        () => h.syncQueue.getCompletedCount(),
        (n) => n === 3,
        10_000,
      );
      const [kept] = await h.syncQueue.getCompleted(0, 0);
      expect(kept?.opts.removeOnComplete).toBeUndefined(); // the worker's rule, not the job's
      // Dead letters likewise (jobs no processor knows fail at once).
      await h.syncQueue.addBulk(
        Array.from({ length: 5 }, (_, i) => ({
          name: 'retention.unknown',
          data: {},
          opts: { ...DEFAULT_JOB_OPTIONS, jobId: `dead-${i}` },
        })),
      );
      await h.drained();
      expect(await h.syncQueue.getFailedCount()).toBe(2);
    } finally {
      await h.close();
    }
  });
});
