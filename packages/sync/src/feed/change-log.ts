import { AppError } from '@relay/errors';
import type { Cluster, Redis } from 'ioredis';
import { changeId } from './change-entry.ts';
import { feedScripts } from './feed-scripts.ts';
import type { FeedKeys } from './feed-store.ts';

/** A change as the CRM reads it: its cursor, then the change with its id. */
export type PulledChange = {
  cursor: string;
  type: string;
  timestamp: string;
  data: Record<string, unknown> & { id: string };
};

const CURSOR = /^\d{1,15}-\d{1,10}$/;
const ERASE_CHUNK_SIZE = 500;

/** A change's place in the log: its cursor, and when it was recorded (the id's time part). */
type LogPosition = { cursor: string; at: string };

type ChangeLogStatus = {
  length: number;
  oldest: LogPosition | null;
  newest: LogPosition | null;
  trimmedBefore: string | null;
};

function logPosition(cursor: string | undefined): LogPosition | null {
  if (cursor === undefined) return null;
  return { cursor, at: new Date(Number(cursor.split('-')[0])).toISOString() };
}

function compareIds(a: string, b: string): number {
  const [aMs = 0, aSeq = 0] = a.split('-').map(Number);
  const [bMs = 0, bSeq = 0] = b.split('-').map(Number);
  return aMs - bMs || aSeq - bSeq;
}

/**
 * The change log: a Redis stream of changes in the order they were recorded, kept for
 * FEED_RETENTION_MS (trimmed as changes are appended: feed-store.ts). A cursor is the id of
 * the last change read; the CRM treats it as opaque.
 */
export function createChangeLog(redis: Redis | Cluster, keys: FeedKeys) {
  return {
    /**
     * Up to `limit` changes after the cursor (from the oldest kept without one). A cursor
     * older than a change already trimmed is FEED_CURSOR_EXPIRED: the reader missed changes.
     */
    async read(after: string | undefined, limit: number) {
      if (after !== undefined && !CURSOR.test(after)) {
        throw new AppError(
          'PAYLOAD_INVALID',
          "after must be a cursor from an earlier answer of GET /v1/changes (its `next` or a change's `cursor`)",
          { details: { in: 'query', path: '/after' } },
        );
      }
      if (after !== undefined) {
        const trimmed = await redis.get(keys.trimmed);
        if (trimmed !== null && compareIds(after, trimmed) < 0) {
          throw new AppError(
            'FEED_CURSOR_EXPIRED',
            `changes after this cursor are no longer kept (kept from ${trimmed}); read the feed again without a cursor`,
          );
        }
      }
      const entries = await redis.xrange(keys.log, after ? `(${after}` : '-', '+', 'COUNT', limit);
      const changes: PulledChange[] = entries.map(([cursor, fields]) => {
        const json = fields[fields.indexOf('c') + 1] ?? '{}';
        const change = JSON.parse(json) as { type: string; timestamp: string; data: object };
        return { cursor, ...change, data: { id: changeId(cursor), ...change.data } };
      });
      return { changes, next: changes.at(-1)?.cursor ?? after ?? null };
    },

    /** Deletes every change that names this Intercom id (an erasure). Returns how many. */
    async erase(intercomId: string): Promise<number> {
      let start = '-';
      let deleted = 0;
      for (;;) {
        const [count, next] = await feedScripts(redis).relayFeedEraseChunk(
          keys.log,
          start,
          ERASE_CHUNK_SIZE,
          intercomId,
        );
        deleted += count;
        if (next === '') return deleted;
        start = `(${next}`;
      }
    },

    /**
     * What the log holds: how many changes, the oldest and newest (cursor and when recorded),
     * and the trim mark: the newest change already removed for age (a cursor before it is
     * FEED_CURSOR_EXPIRED); null until the first trim.
     */
    async status(): Promise<ChangeLogStatus> {
      const [length, first, last, trimmed] = await Promise.all([
        redis.xlen(keys.log),
        redis.xrange(keys.log, '-', '+', 'COUNT', 1),
        redis.xrevrange(keys.log, '+', '-', 'COUNT', 1),
        redis.get(keys.trimmed),
      ]);
      return {
        length,
        oldest: logPosition(first[0]?.[0]),
        newest: logPosition(last[0]?.[0]),
        trimmedBefore: trimmed,
      };
    },
  };
}

export type ChangeLog = ReturnType<typeof createChangeLog>;
