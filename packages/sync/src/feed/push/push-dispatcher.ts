import type { Cluster, Redis } from 'ioredis';
import type { FeedKeys } from '../feed-store.ts';
import { compareCursors, deliveryJobId, type PushKeys, recordOf } from './push-keys.ts';
import { pushScripts } from './push-scripts.ts';

export type DeliveryJob = { record: string; seq: string };

export type PushDispatcherDeps = {
  redis: Redis | Cluster;
  /** A connection of its own: the dispatcher blocks on it waiting for the log (XREAD BLOCK). */
  blocking: Redis | Cluster;
  feedKeys: FeedKeys;
  keys: PushKeys;
  /** Adds a delivery job (idempotent by id). */
  addDelivery: (jobId: string, job: DeliveryJob) => Promise<void>;
  onError: (error: unknown) => void;
  /** Told when the log lost changes before they were staged (retention). */
  onMissed?: (from: string, trimmedTo: string) => void;
};

const LEASE_MS = 10_000;
const BATCH = 200;
const BLOCK_MS = 1_000;

type Entry = [id: string, fields: string[]];

/**
 * Moves changes from the change log into the records' delivery slots, in log order, and adds
 * a delivery job for a slot that has none (see the glossary: slot). One process at a time
 * (a lease); its cursor moves after a batch is staged, so a crash stages a batch again, which
 * changes nothing (staging is idempotent and jobs are added by id).
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

  /** Where staging starts: the stored cursor, else the log's newest change (push starts now). */
  async function startCursor(): Promise<string> {
    const stored = await redis.get(keys.cursor);
    if (stored) return stored;
    const newest = (await redis.xrevrange(deps.feedKeys.log, '+', '-', 'COUNT', 1))[0]?.[0];
    const start = newest ?? '0-0';
    await scripts.relayPushAdvance(keys.dispatcher, keys.cursor, token, start, '');
    return start;
  }

  async function stage(id: string, fields: string[], replaying: boolean): Promise<void> {
    const json = fields[fields.indexOf('c') + 1];
    if (!json) return;
    const change = JSON.parse(json) as {
      type: string;
      data: { object?: unknown; intercom_id?: unknown; version?: unknown; changed?: unknown };
    };
    const record = recordOf(id, change.data);
    const version = typeof change.data.version === 'number' ? String(change.data.version) : '';
    const changed = Array.isArray(change.data.changed) ? JSON.stringify(change.data.changed) : '';
    const [staged, seq, add] = await scripts.relayPushStage(
      keys.slot(record),
      keys.pending,
      id,
      version,
      change.type,
      changed,
      replaying ? '1' : '0',
    );
    if (staged === 1 && add === 1 && seq !== '') {
      await deps.addDelivery(deliveryJobId(record, seq), { record, seq });
    }
  }

  async function checkTrim(cursor: string): Promise<void> {
    const trimmed = await redis.get(deps.feedKeys.trimmed);
    if (trimmed && compareCursors(cursor, trimmed) < 0) deps.onMissed?.(cursor, trimmed);
  }

  async function once(): Promise<void> {
    if (!(await holdLease())) {
      await sleep(BLOCK_MS);
      return;
    }
    const cursor = await startCursor();
    await checkTrim(cursor);
    const reply = (await deps.blocking.xread(
      'COUNT',
      BATCH,
      'BLOCK',
      BLOCK_MS,
      'STREAMS',
      deps.feedKeys.log,
      cursor,
    )) as [string, Entry[]][] | null;
    const entries = reply?.[0]?.[1] ?? [];
    if (entries.length === 0) return;
    const replayUntil = await redis.get(keys.replayUntil);
    for (const [id, fields] of entries) {
      await stage(id, fields, replayUntil !== null && compareCursors(id, replayUntil) <= 0);
    }
    const last = (entries[entries.length - 1] as Entry)[0];
    await scripts.relayPushAdvance(keys.dispatcher, keys.cursor, token, last, cursor);
    if (replayUntil !== null && compareCursors(last, replayUntil) >= 0) {
      await redis.del(keys.replayUntil);
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
