import { describe, expect, it } from 'vitest';
import { createMemoryHeadroom, type MemoryReading } from './memory-headroom.ts';

function fakeRedis(initial: MemoryReading) {
  let memory = initial;
  let fail = false;
  const calls = { count: 0 };
  return {
    calls,
    set(next: MemoryReading) {
      memory = next;
    },
    failing(value: boolean) {
      fail = value;
    },
    read: async () => {
      calls.count++;
      if (fail) throw new Error('Redis did not answer');
      return memory;
    },
  };
}

describe('createMemoryHeadroom', () => {
  it('has room below 95 % of maxmemory and none from 95 %', async () => {
    let clock = 0;
    const redis = fakeRedis({ usedBytes: 94, maxBytes: 100 });
    const headroom = createMemoryHeadroom({ read: redis.read, now: () => clock });
    expect(await headroom.hasRoom()).toBe(true);
    redis.set({ usedBytes: 95, maxBytes: 100 });
    clock += 1_000;
    expect(await headroom.hasRoom()).toBe(false);
    expect(headroom.usedRatio()).toBe(0.95);
  });

  it('asks Redis at most once per interval, one read shared by concurrent requests', async () => {
    let clock = 0;
    const redis = fakeRedis({ usedBytes: 10, maxBytes: 100 });
    const headroom = createMemoryHeadroom({ read: redis.read, now: () => clock });
    await Promise.all(Array.from({ length: 20 }, () => headroom.hasRoom()));
    expect(redis.calls.count).toBe(1);
    clock += 999;
    redis.set({ usedBytes: 99, maxBytes: 100 });
    expect(await headroom.hasRoom()).toBe(true); // the last sample still holds
    expect(redis.calls.count).toBe(1);
    clock += 1;
    expect(await headroom.hasRoom()).toBe(false);
    expect(redis.calls.count).toBe(2);
  });

  it('asks ten times as often within 10 points of the line', async () => {
    let clock = 0;
    const redis = fakeRedis({ usedBytes: 86, maxBytes: 100 });
    const headroom = createMemoryHeadroom({ read: redis.read, now: () => clock });
    expect(await headroom.hasRoom()).toBe(true);
    redis.set({ usedBytes: 96, maxBytes: 100 });
    clock += 99;
    expect(await headroom.hasRoom()).toBe(true);
    clock += 1;
    expect(await headroom.hasRoom()).toBe(false);
    expect(redis.calls.count).toBe(2);
  });

  it('always has room without maxmemory, and when Redis does not answer', async () => {
    let clock = 0;
    const redis = fakeRedis({ usedBytes: 10_000, maxBytes: 0 });
    const headroom = createMemoryHeadroom({ read: redis.read, now: () => clock });
    expect(await headroom.hasRoom()).toBe(true);
    redis.failing(true);
    clock += 1_000;
    expect(await headroom.hasRoom()).toBe(true);
  });

  it('takes another threshold', async () => {
    const redis = fakeRedis({ usedBytes: 81, maxBytes: 100 });
    const headroom = createMemoryHeadroom({ read: redis.read, maxRatio: 0.8 });
    expect(await headroom.hasRoom()).toBe(false);
  });
});
