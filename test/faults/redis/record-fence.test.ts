import { syncKeyHash } from '@relay/jobs';
import { createContactState } from '@relay/sync';
import { createTcpProxy, useRedis, waitFor } from '@relay/testkit';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';

const redis = useRedis();

describe('the record lock fences out a run that was taken over', () => {
  it('lets a re-run of the same job take the lock, and the old run can no longer finish or unlock', async () => {
    const state = createContactState(redis.client, redis.prefix);
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

  it('lets only a run that still holds its job take the record, and releases a lock whose answer was lost', async () => {
    const state = createContactState(redis.client, redis.prefix);
    await state.storePending({ external_id: 'crm-3', name: 'v1' });
    const jobLock = `${redis.prefix}:relay-sync:job-5:lock`;
    await redis.client.set(jobLock, 'token-b'); // the job is run B's
    const stale = { key: jobLock, token: 'token-a' };
    // Run A lost the job while cut off; its request arrives late: it takes nothing.
    expect(await state.lockRun('crm-3', 'job-5', 10_000, stale)).toBeUndefined();
    const current = await state.lockRun('crm-3', 'job-5', 10_000, {
      key: jobLock,
      token: 'token-b',
    });
    expect(current?.resumed).toBe(false);
    expect(await state.lockRun('crm-3', 'job-5', 10_000, stale)).toBeUndefined(); // no takeover
    await state.unlock('crm-3', current?.lock ?? '');

    // A lock request that times out on the client may still run later (here: held by a
    // network cut, then delivered): its release follows it and runs after it.
    const proxy = await createTcpProxy({ target: redis.url });
    const cut = new Redis(proxy.url, { commandTimeout: 300 });
    cut.on('error', () => {});
    try {
      const cutState = createContactState(cut, redis.prefix);
      await cut.ping();
      proxy.setMode('blackhole');
      await expect(cutState.lockRun('crm-3', 'job-6', 10_000)).rejects.toThrow(/timed out/);
      proxy.setMode('pass');
      await waitFor(
        () => cut.ping().catch(() => 'no answer'),
        (answer) => answer === 'PONG',
        10_000,
      );
      const lockKey = `${redis.prefix}:contact-lock:${syncKeyHash('crm-3')}`;
      expect(await redis.client.get(lockKey)).toBeNull();
      expect(await state.lockRun('crm-3', 'job-7', 10_000)).toBeDefined(); // free for others
    } finally {
      cut.disconnect();
      await proxy.close();
    }
  });

  it('keeps lockAndRead with the owner as the lock value (one run per owner)', async () => {
    const state = createContactState(redis.client, redis.prefix);
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
