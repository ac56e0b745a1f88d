import { useRedis } from '@relay/testkit';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createRateBudget, type RateBudgetOptions } from '../src/budget/rate-budget.ts';

/**
 * Windows so long that no test crosses a boundary by chance, and chosen so that now is in the
 * first half of one (the lane reserve is released in a window's last tenth).
 */
const HOUR = earlyLongWindow();

function earlyLongWindow(): number {
  for (let hours = 1; ; hours += 1) {
    const windowMs = hours * 3_600_000;
    if (Date.now() % windowMs < windowMs / 2) return windowMs;
  }
}

const redis = useRedis();
const connections: Redis[] = [];
let testNumber = 0;

function connect() {
  const connection = new Redis(redis.url);
  connections.push(connection);
  return connection;
}

/** A budget with its own app id, so tests never share counters. */
function budget(options: Partial<RateBudgetOptions> = {}, connection = redis.client) {
  testNumber += 1;
  return createRateBudget({
    redis: connection,
    prefix: redis.prefix,
    appId: `app${testNumber}`,
    limitPerWindow: 10,
    windowMs: HOUR,
    headroom: 0,
    lanes: ['urgent', 'bulk'],
    permitBlock: 1,
    ...options,
  });
}

const windowEnd = (windowMs: number) => (Math.floor(Date.now() / windowMs) + 1) * windowMs;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function take(target: ReturnType<typeof budget>, lane: string, times: number) {
  let granted = 0;
  for (let i = 0; i < times; i += 1) if ((await target.acquire(lane)).granted) granted += 1;
  return granted;
}

afterAll(() => {
  for (const connection of connections) connection.disconnect();
});

describe('rate budget', () => {
  it('grants the window’s limit and then says to wait until the window ends', async () => {
    const target = budget({ limitPerWindow: 10 });
    expect(await take(target, 'urgent', 10)).toBe(10);
    const denied = await target.acquire('urgent');
    expect(denied.granted).toBe(false);
    const wait = denied.granted ? 0 : denied.waitMs;
    const expected = windowEnd(HOUR) - Date.now();
    expect(Math.abs(wait - expected)).toBeLessThan(1_000);
  });

  it('takes permits from Redis in blocks, never more than an eighth of what is left', async () => {
    const target = budget({ limitPerWindow: 100, permitBlock: 8 });
    await target.acquire('urgent');
    expect((await target.state()).used).toBe(8); // one round trip for the next 7 calls too
    expect(await take(target, 'urgent', 7)).toBe(7);
    expect((await target.state()).used).toBe(8);
    expect(await take(target, 'urgent', 200)).toBe(92); // every permit, and not one more
  });

  it("grants nothing in a window's last moments, so no call lands in the next window", async () => {
    const windowMs = 2_000; // guard: the last 100 ms
    const target = budget({ limitPerWindow: 100, windowMs });
    // A loaded machine may oversleep past the guard, or into the next window; only an ask made
    // wholly inside the guard counts, and there are a few windows to find one in.
    let late: Awaited<ReturnType<typeof target.acquire>> | undefined;
    for (let tries = 0; tries < 5 && !late; tries += 1) {
      const end = windowEnd(windowMs);
      await sleep(end - Date.now() - 60);
      const askedAt = Date.now();
      const answer = await target.acquire('urgent');
      if (askedAt >= end - 100 && Date.now() < end) late = answer;
      else if (answer.granted) await sleep(windowEnd(windowMs) - Date.now() + 10);
    }
    expect(late?.granted).toBe(false);
    if (late && !late.granted) expect(late.waitMs).toBeLessThanOrEqual(100);
    await sleep(windowEnd(windowMs) - Date.now() + 10);
    expect((await target.acquire('urgent')).granted).toBe(true);
  });

  it('leaves the headroom unused', async () => {
    const target = budget({ limitPerWindow: 100, headroom: 0.1 });
    expect(target.allowedPerWindow).toBe(90);
    expect(await take(target, 'urgent', 100)).toBe(90);
  });

  it('grants exactly the limit to many processes asking at once', async () => {
    const shared = { appId: 'shared-app', limitPerWindow: 50 };
    const processes = [connect(), connect(), connect(), connect()].map((connection) =>
      createRateBudget({
        redis: connection,
        prefix: redis.prefix,
        windowMs: HOUR,
        headroom: 0,
        lanes: ['urgent'],
        permitBlock: 8,
        ...shared,
      }),
    );
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) => processes[i % 4]?.acquire('urgent')),
    );
    expect(results.filter((permit) => permit?.granted)).toHaveLength(50);
  });

  it('counts calls Intercom reports that it never saw (other apps, other tools)', async () => {
    const target = budget({ limitPerWindow: 100 });
    await target.acquire('urgent');
    await target.observe({ limit: 100, remaining: 30, resetAtMs: windowEnd(HOUR) }, 200);
    expect((await target.state()).used).toBe(70);
    expect(await take(target, 'urgent', 50)).toBe(30);
  });

  it('ignores a late answer that belongs to an earlier window', async () => {
    const target = budget({ limitPerWindow: 100 });
    await target.acquire('urgent');
    await target.observe({ limit: 100, remaining: 0, resetAtMs: windowEnd(HOUR) - HOUR }, 200);
    expect((await target.state()).used).toBe(1);
  });

  it('never lets the count fall when Intercom reports fewer calls than granted', async () => {
    const target = budget({ limitPerWindow: 100 });
    await take(target, 'urgent', 5);
    await target.observe({ limit: 100, remaining: 99, resetAtMs: windowEnd(HOUR) }, 200);
    expect((await target.state()).used).toBe(5);
  });

  it('adopts a lower limit reported by Intercom', async () => {
    const target = budget({ limitPerWindow: 100 });
    await target.observe({ limit: 20, remaining: 20, resetAtMs: windowEnd(HOUR) }, 200);
    expect(await take(target, 'urgent', 100)).toBe(20);
  });

  it('closes for everyone on a 429 until the reset, then opens again', async () => {
    const target = budget({ limitPerWindow: 100 });
    const other = createRateBudget({
      redis: connect(),
      prefix: redis.prefix,
      appId: `app${testNumber}`,
      limitPerWindow: 100,
      windowMs: HOUR,
      lanes: ['urgent', 'bulk'],
    });
    const resetAtMs = Date.now() + 1_200;
    await target.observe({ limit: 100, remaining: 0, resetAtMs }, 429);
    const denied = await other.acquire('urgent');
    expect(denied.granted).toBe(false);
    if (!denied.granted) {
      expect(denied.waitMs).toBeGreaterThan(1_000);
      expect(denied.waitMs).toBeLessThanOrEqual(1_300);
    }
    await sleep(resetAtMs + 60 - Date.now());
    expect((await other.acquire('urgent')).granted).toBe(true);
  });

  it('drops the permits this process pooled when Intercom answers 429', async () => {
    const target = budget({ limitPerWindow: 100, permitBlock: 8 });
    expect((await target.acquire('urgent')).granted).toBe(true); // 7 more pooled
    await target.observe({ limit: 100, remaining: 0, resetAtMs: Date.now() + 60_000 }, 429);
    expect((await target.acquire('urgent')).granted).toBe(false);
  });

  it('closes for a whole window when a 429 comes without a usable reset', async () => {
    const windowMs = 2_000;
    const target = budget({ limitPerWindow: 100, windowMs });
    await target.observe({ limit: 100, remaining: 0, resetAtMs: 0 }, 429);
    const denied = await target.acquire('urgent');
    expect(denied.granted).toBe(false);
    if (!denied.granted) expect(denied.waitMs).toBeGreaterThan(0);
  });

  it('rejects an unknown lane and impossible settings', async () => {
    const target = budget();
    await expect(target.acquire('nope')).rejects.toThrow(/unknown lane nope/);
    expect(() => budget({ headroom: 1 })).toThrow(/headroom/);
    expect(() => budget({ limitPerWindow: 0 })).toThrow(/limitPerWindow/);
  });
});

describe('lanes inside one budget', () => {
  it('keeps what the urgent lane asked for last window away from the bulk lane', async () => {
    const windowMs = 1_000;
    const target = budget({ limitPerWindow: 100, windowMs, reserveFraction: 0 });
    await sleep(windowEnd(windowMs) - Date.now() + 20);
    expect(await take(target, 'urgent', 30)).toBe(30);
    await sleep(windowEnd(windowMs) - Date.now() + 20);
    // The urgent lane asked for 30 last window: the bulk lane gets the other 70 ...
    expect(await take(target, 'bulk', 100)).toBe(70);
    // ... and the urgent lane still finds its 30.
    expect(await take(target, 'urgent', 30)).toBe(30);
  });

  it('always keeps a small reserve for the urgent lane', async () => {
    const target = budget({ limitPerWindow: 100, reserveFraction: 0.05 });
    expect(await take(target, 'bulk', 100)).toBe(95);
    expect(await take(target, 'urgent', 10)).toBe(5);
  });

  it('lets a less urgent lane ask again when the reserve is released, not a window later', async () => {
    const target = budget({ limitPerWindow: 100, reserveFraction: 0.05 });
    expect(await take(target, 'bulk', 100)).toBe(95);
    const denied = await target.acquire('bulk');
    const release = Math.floor(Date.now() / HOUR) * HOUR + HOUR * 0.9 - Date.now();
    expect(denied.granted).toBe(false);
    if (!denied.granted) expect(Math.abs(denied.waitMs - release)).toBeLessThan(1_000);
  });

  it('wakes a lane for the released reserve before the window’s guard, however late its stagger', async () => {
    // A stagger past the window's last tenth (a short simulated window) once woke the lane in
    // the guard at every window's end, where nothing is granted: it never got a permit.
    const target = budget({ limitPerWindow: 100, reserveFraction: 0.05, staggerMs: HOUR / 10 });
    expect(await take(target, 'bulk', 100)).toBe(95);
    const denied = await target.acquire('bulk');
    const released = windowEnd(HOUR) - HOUR / 10 - Date.now();
    const guard = windowEnd(HOUR) - 100 - Date.now();
    expect(denied.granted).toBe(false);
    if (!denied.granted) {
      expect(denied.waitMs).toBeGreaterThan(released);
      expect(denied.waitMs).toBeLessThan(guard - 60_000); // far from the guard, timers run late
    }
  });

  it('hands a permit just taken from Redis to its caller, however late the caller looks', async () => {
    // Permits granted in a window's last moments came back valid for a few ms; after the
    // round trip the pool had lapsed, and the permit was spent with no call made. Here every
    // look at the clock is an hour on, so the pool lapses before anyone takes from it.
    const target = budget({ limitPerWindow: 10, permitBlock: 1 });
    const realNow = Date.now.bind(Date);
    let looks = 0;
    const clock = vi.spyOn(Date, 'now').mockImplementation(() => realNow() + HOUR * ++looks);
    try {
      expect(await target.acquire('urgent')).toEqual({ granted: true });
    } finally {
      clock.mockRestore();
    }
    expect((await target.state()).used).toBe(1);
  });

  it('wakes the less urgent lanes a little later after a denial', async () => {
    const target = budget({ limitPerWindow: 1, staggerMs: 200, reserveFraction: 0 });
    await target.acquire('urgent');
    const urgent = await target.acquire('urgent');
    const bulk = await target.acquire('bulk');
    expect(urgent.granted || bulk.granted).toBe(false);
    if (!urgent.granted && !bulk.granted) {
      expect(bulk.waitMs - urgent.waitMs).toBeGreaterThanOrEqual(190);
    }
  });
});

describe('workspace budget', () => {
  it('shares the workspace limit between the apps of one workspace', async () => {
    const options = {
      prefix: redis.prefix,
      windowMs: HOUR,
      headroom: 0,
      lanes: ['urgent'],
      limitPerWindow: 100,
      workspaceId: 'ws-shared',
      workspaceLimitPerWindow: 30,
    };
    const appA = createRateBudget({ redis: connect(), appId: 'ws-app-a', ...options });
    const appB = createRateBudget({ redis: connect(), appId: 'ws-app-b', ...options });
    const [grantedA, grantedB] = await Promise.all([
      take(appA as never, 'urgent', 25),
      take(appB as never, 'urgent', 25),
    ]);
    expect(grantedA + grantedB).toBe(30);
  });
});
