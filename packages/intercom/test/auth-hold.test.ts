import { isAppError } from '@relay/errors';
import { useRedis, waitFor } from '@relay/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { type AuthHold, createAuthHold } from '../src/auth-hold/auth-hold.ts';
import { createRedisHoldStore, type HoldSchedule } from '../src/auth-hold/hold-store.ts';

const redis = useRedis();
const holds: AuthHold[] = [];
let testNumber = 0;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

afterEach(() => {
  for (const hold of holds.splice(0)) hold.close();
});

type Line = { level: 'warn' | 'info'; fields: Record<string, unknown>; msg: string };

/**
 * One process's hold on a shared Redis store (each test its own prefix). Its probe answers as
 * Intercom would now (`accepts()`), through accepted()/refused() as the client does.
 */
function processHold(options: {
  prefix: string;
  token: () => string;
  accepts: () => boolean;
  schedule?: HoldSchedule;
  remindEveryMs?: number;
}) {
  const lines: Line[] = [];
  const probes: number[] = [];
  const heldChanges: boolean[] = [];
  const log =
    (level: Line['level']) =>
    (fields: Record<string, unknown>, msg = '') =>
      lines.push({ level, fields, msg });
  const hold: AuthHold = createAuthHold({
    token: options.token,
    store: createRedisHoldStore({
      redis: redis.client,
      prefix: options.prefix,
      ...(options.schedule ?? { firstProbeMs: 50, maxProbeMs: 200 }),
    }),
    checkMs: 20,
    remindEveryMs: options.remindEveryMs ?? 60_000,
    logger: { warn: log('warn'), info: log('info') } as never,
    onHeldChange: (held) => heldChanges.push(held),
    probe: async () => {
      probes.push(Date.now());
      const token = options.token();
      if (options.accepts()) hold.accepted(token);
      else hold.refused(token, { status: 401 });
    },
  });
  holds.push(hold);
  const admits = () => {
    try {
      hold.admit();
      return true;
    } catch (error) {
      if (!isAppError(error)) throw error;
      expect(error).toMatchObject({
        code: 'INTERCOM_UNAUTHORIZED',
        retryAfterMs: 20,
        details: { source: 'auth_hold' },
      });
      return false;
    }
  };
  return { hold, admits, lines, probes, heldChanges };
}

function twoProcesses(accepts: () => boolean, extra: { remindEveryMs?: number } = {}) {
  testNumber += 1;
  const prefix = `${redis.prefix}:t${testNumber}`;
  const token = () => 'the-token';
  return [
    processHold({ prefix, token, accepts, ...extra }),
    processHold({ prefix, token, accepts, ...extra }),
  ] as const;
}

describe('the auth hold, shared through Redis', () => {
  it('holds every process after one 401, probes one at a time, and a success ends it for all', async () => {
    let accepting = false;
    const [a, b] = twoProcesses(() => accepting);
    expect([a.admits(), b.admits()]).toEqual([true, true]);
    a.hold.refused('the-token', { status: 401, requestId: 'req-1' });
    expect(a.admits()).toBe(false);
    // B learns of the hold from Redis at its next look, without a 401 of its own.
    await sleep(30);
    b.admits();
    await waitFor(
      async () => b.heldChanges,
      (changes) => changes.includes(true),
      1_000,
    );
    expect(b.admits()).toBe(false);

    await sleep(600); // probes at ~50, 150, 350 ms after the 401, then every 200 ms
    const probes = [...a.probes, ...b.probes].sort((x, y) => x - y);
    expect(probes.length).toBeGreaterThanOrEqual(2);
    expect(probes.length).toBeLessThanOrEqual(5);
    const gaps = probes.slice(1).map((at, i) => at - (probes[i] as number));
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(80); // one process at a time, backing off
    expect([a.admits(), b.admits()]).toEqual([false, false]);

    accepting = true; // the same token, accepted again
    await waitFor(
      async () => [a.admits(), b.admits()],
      (both) => both.every(Boolean),
      1_000,
    );
    await sleep(100); // several looks at Redis: the hold stays over
    expect([a.admits(), b.admits()]).toEqual([true, true]);
    expect(await a.hold.read()).toBeUndefined();
    expect([a.heldChanges, b.heldChanges]).toEqual([
      [true, false],
      [true, false],
    ]);
  });

  it('backs off from the first probe interval and caps it', async () => {
    const [a] = twoProcesses(() => false);
    a.hold.refused('the-token', { status: 401 });
    await sleep(1_500);
    const gaps = a.probes.slice(1).map((at, i) => at - (a.probes[i] as number));
    // Due 100, 200, 200 … ms apart (the cap), each due time set when a probe is claimed. The
    // times seen here are when each probe ran, each late by its own delay on a busy CPU, so
    // one gap may be shorter than its interval (a CI run saw 157 ms after a late probe): the
    // test looks at the count (never early: at most one probe per due time in 1.5 s) and the
    // typical gap, not at the shortest.
    expect(gaps.length).toBeGreaterThanOrEqual(3);
    expect(a.probes.length).toBeLessThanOrEqual(8);
    const later = gaps.slice(1).sort((x, y) => x - y);
    const typical = later[Math.floor(later.length / 2)] as number;
    expect(typical).toBeGreaterThanOrEqual(190);
    expect(typical).toBeLessThan(350); // no doubling past the cap
  });

  it('lets this process through at once when the token changes; the old token stays held elsewhere', async () => {
    testNumber += 1;
    const prefix = `${redis.prefix}:t${testNumber}`;
    let token = 'old-token';
    const a = processHold({ prefix, token: () => token, accepts: () => false });
    const b = processHold({ prefix, token: () => 'old-token', accepts: () => false });
    a.hold.refused('old-token', { status: 401 });
    b.hold.refused('old-token', { status: 401 });
    token = 'new-token';
    expect([a.admits(), a.admits()]).toEqual([true, true]);
    expect(b.admits()).toBe(false);
    expect(a.lines.at(-1)).toMatchObject({ msg: 'resumed intercom calls', level: 'info' });
    expect(a.lines.at(-1)?.fields).toMatchObject({ reason: 'token_changed' });
    expect(await b.hold.read()).toMatchObject({ probes: expect.any(Number) });
    expect(await a.hold.read()).toBeUndefined(); // no hold on the new token
  });

  it('ignores a 401 of a token no longer in use', () => {
    const [a] = twoProcesses(() => false);
    a.hold.refused('an-old-token', { status: 401 });
    expect(a.admits()).toBe(true);
  });

  it('warns once when the hold starts, then at a bounded rate, and says at info when it ended', async () => {
    let accepting = false;
    const [a] = twoProcesses(() => accepting, { remindEveryMs: 250 });
    a.hold.refused('the-token', {
      status: 401,
      requestId: 'req-9',
      details: { intercomCode: 'token_revoked' },
    });
    a.hold.refused('the-token', { status: 401 }); // another call in flight: no second warning
    await sleep(700);
    accepting = true;
    await waitFor(async () => a.admits(), Boolean, 1_000);
    const messages = a.lines.map((line) => `${line.level} ${line.msg}`);
    const reminders = messages.filter((m) => m.startsWith('warn still holding')).length;
    expect(messages[0]).toBe('warn holding intercom calls: the access token was refused');
    expect(a.lines[0]?.fields).toEqual({
      refusedTo: 'this process',
      status: 401,
      intercomCode: 'token_revoked',
      requestId: 'req-9',
    });
    expect(reminders).toBeGreaterThanOrEqual(1);
    expect(reminders).toBeLessThanOrEqual(3);
    expect(messages.at(-1)).toBe('info resumed intercom calls');
    expect(a.lines.at(-1)?.fields).toMatchObject({ reason: 'accepted' });
    expect(JSON.stringify(a.lines)).not.toContain('the-token');
  });

  it('reads the hold as /readyz shows it: since, probes, next probe', async () => {
    const [a] = twoProcesses(() => false);
    expect(await a.hold.read()).toBeUndefined();
    a.hold.refused('the-token', { status: 401 });
    await sleep(20);
    const view = await a.hold.read();
    expect(view).toMatchObject({ probes: 0 });
    expect(Date.now() - Date.parse(view?.since ?? '')).toBeLessThan(1_000);
    expect(view?.nextProbeInMs).toBeLessThanOrEqual(50);
  });
});
