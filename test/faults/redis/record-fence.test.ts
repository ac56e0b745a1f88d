import { createContactState } from '@relay/jobs';
import { startTestRedis, type TestRedis } from '@relay/testkit';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let redis: TestRedis;
let connection: Redis;

beforeAll(async () => {
  redis = await startTestRedis();
  connection = new Redis(redis.url);
});

afterAll(async () => {
  connection?.disconnect();
  await redis?.stop();
});

describe('the record lock fences out a run that was taken over', () => {
  it('lets a re-run of the same job take the lock, and the old run can no longer finish or unlock', async () => {
    const state = createContactState(connection, redis.prefix);
    await state.storePending({ external_id: 'crm-1', name: 'v1' });
    const cutOff = await state.lockRun('crm-1', 'job-1', 10_000);
    expect(cutOff?.resumed).toBe(false);
    expect(await state.lockRun('crm-1', 'job-2', 10_000)).toBeUndefined(); // another job waits

    // The job's lock expired while its worker was cut off: another worker runs it again.
    const rerun = await state.lockRun('crm-1', 'job-1', 10_000);
    expect(rerun?.resumed).toBe(true); // the first run may have written: look before writing
    expect(rerun?.snapshot.pending).toEqual({ external_id: 'crm-1', name: 'v1' });
    expect(await state.unlock('crm-1', cutOff?.lock ?? '')).toBe(0); // the re-run keeps it
    expect(
      await state.finish(
        'crm-1',
        rerun?.lock ?? '',
        rerun?.snapshot.pendingSeq ?? '',
        'ic-1',
        'h1',
      ),
    ).toBe(1);

    // Newer data is synced by another job; then the cut-off run's finish arrives, late.
    await state.storePending({ external_id: 'crm-1', name: 'v2' });
    const next = await state.lockRun('crm-1', 'job-3', 10_000);
    expect(next?.resumed).toBe(false);
    await state.finish('crm-1', next?.lock ?? '', next?.snapshot.pendingSeq ?? '', 'ic-1', 'h2');
    expect(
      await state.finish(
        'crm-1',
        cutOff?.lock ?? '',
        cutOff?.snapshot.pendingSeq ?? '',
        'ic-x',
        'h1',
      ),
    ).toBe(-1);
    const after = await state.lockRun('crm-1', 'job-4', 10_000);
    expect(after?.snapshot).toEqual({ intercomId: 'ic-1', syncedHash: 'h2' }); // not h1, not ic-x
  });

  it('keeps lockAndRead with the owner as the lock value (one run per owner)', async () => {
    const state = createContactState(connection, redis.prefix);
    await state.storePending({ external_id: 'crm-2', name: 'A' });
    const read = await state.lockAndRead('crm-2', 'job-1', 10_000);
    expect(await state.lockAndRead('crm-2', 'job-2', 10_000)).toBeUndefined();
    expect(await state.finish('crm-2', 'job-1', read?.pendingSeq ?? '', 'ic-2', 'h')).toBe(1);
    expect(await state.lockAndRead('crm-2', 'job-2', 10_000)).toEqual({
      intercomId: 'ic-2',
      syncedHash: 'h',
    });
  });
});
