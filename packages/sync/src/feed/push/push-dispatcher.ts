import type { Cluster, Redis } from 'ioredis';
import type { FeedKeys } from '../feed-store.ts';
import { compareCursors, type PushKeys } from './push-keys.ts';
import { pushScripts } from './push-scripts.ts';

export type DeliveryJob = { record: string; seq: string };

export type PushDispatcherDeps = {
  redis: Redis | Cluster;
  /** A connection of its own: the dispatcher blocks on it waiting for the log (XREAD BLOCK). */
  blocking: Redis | Cluster;
  feedKeys: FeedKeys;
  keys: PushKeys;
  onError: (error: unknown) => void;
  /** Told when the log lost changes before they were staged (retention). */
  onMissed?: (from: string, trimmedTo: string) => void;
};

const LEASE_MS = 10_000;
const BATCH = 500;
const BLOCK_MS = 1_000;

/**
 * Moves changes from the change log into the records' delivery slots, in log order, a batch
 * per step (see the glossary: slot). One process at a time (a lease); its cursor moves after
 * a batch is staged, so a crash stages a batch again, which changes nothing (idempotent).
 */
export function createPushDispatcher(deps: PushDispatcherDeps) {
  const { redis, keys } = deps;
  const scripts = pushScripts(redis);
  const token = `${process.pid}-${Math.random().toString(36).slice(2)}`;
  let stopped = false;
  let running: Promise<void> | undefined;

  async function holdLease(): Promise<boolean> {
    if ((await scripts.relayPushRenew(keys.dispatcher, token, String(LEASE_MS))) === 1) return true;
    return (await redis.set(keys.dispatcher, token, 'PX', LEASE_MS, 'NX')) === 'OK';
  }

  // Push starts with the changes recorded after this process was made (at the worker's boot,
  // before it reports ready), the first time it runs on this Redis: not with the newest
  // change when the loop first runs, which a change recorded in between would be.
  const bornAt = Date.now();

  /** Where staging starts: the stored cursor, else this process's birth (push starts now). */
  async function startCursor(): Promise<string> {
    const stored = await redis.get(keys.cursor);
    if (stored) return stored;
    await redis.set(keys.cursor, `${bornAt}-0`, 'NX');
    return (await redis.get(keys.cursor)) ?? `${bornAt}-0`;
  }

  // Told once per trim mark: a quiet log keeps the cursor behind the mark, read every second.
  let reportedTrim: string | undefined;
  async function checkTrim(cursor: string): Promise<void> {
    const trimmed = await redis.get(deps.feedKeys.trimmed);
    if (trimmed && trimmed !== reportedTrim && compareCursors(cursor, trimmed) < 0) {
      reportedTrim = trimmed;
      deps.onMissed?.(cursor, trimmed);
    }
  }

  async function once(): Promise<void> {
    if (!(await holdLease())) {
      await sleep(BLOCK_MS);
      return;
    }
    const cursor = await startCursor();
    await checkTrim(cursor);
    // Waits for a change after the cursor, then stages what there is, a batch per step.
    const reply = await deps.blocking.xread(
      'COUNT',
      1,
      'BLOCK',
      BLOCK_MS,
      'STREAMS',
      deps.feedKeys.log,
      cursor,
    );
    if (!reply) return;
    let after = cursor;
    for (;;) {
      const replayUntil = (await redis.get(keys.replayUntil)) ?? '';
      const [read, last] = await scripts.relayPushStage(
        keys.due,
        deps.feedKeys.log,
        keys.cursor,
        keys.dispatcher,
        token,
        after,
        String(BATCH),
        String(Date.now()),
        replayUntil,
        keys.slot(''),
      );
      if (replayUntil !== '' && read > 0 && compareCursors(last, replayUntil) >= 0) {
        await redis.del(keys.replayUntil);
      }
      if (read < BATCH || stopped) return;
      after = last;
    }
  }

  return {
    start() {
      stopped = false;
      running = (async () => {
        while (!stopped) {
          try {
            await once();
          } catch (error) {
            if (stopped) break;
            deps.onError(error);
            await sleep(BLOCK_MS);
          }
        }
      })();
    },
    async stop(): Promise<void> {
      stopped = true;
      await running;
      await scripts.relayPushRelease(keys.dispatcher, token).catch(() => 0);
    },
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
