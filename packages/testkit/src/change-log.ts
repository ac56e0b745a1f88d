import type { Redis } from 'ioredis';

/** A change as the feed records it (the Standard Webhooks payload shape, without its id). */
type LoggedChange = { type: string; data: Record<string, unknown> };

/**
 * Appends a change to the change log as the worker's recorder does (packages/sync/src/feed:
 * stream `<prefix>:feed:log`, field `c` the change's JSON, `r` the Intercom ids it names, `k`
 * and `v` the record and version it is), at a cursor the test chooses, so when it was recorded
 * is known.
 */
export async function appendToChangeLog(
  redis: Redis,
  prefix: string,
  cursor: string,
  change: LoggedChange,
): Promise<void> {
  const timestamp = new Date(Number(cursor.split('-')[0])).toISOString();
  const json = JSON.stringify({ type: change.type, timestamp, data: change.data });
  const { object, intercom_id: id, version } = change.data;
  const refs = typeof id === 'string' ? id : '';
  const named = (object === 'contact' || object === 'company') && refs !== '';
  const record = named ? `${object}.${refs}` : '';
  const versionText = typeof version === 'number' ? String(version) : '';
  await redis.xadd(
    `${prefix}:feed:log`,
    cursor,
    'c',
    json,
    'r',
    refs,
    'k',
    record,
    'v',
    versionText,
  );
}

/**
 * Sets the trim mark the worker leaves when it removes changes older than FEED_RETENTION_MS:
 * the newest cursor removed, so a cursor before it is FEED_CURSOR_EXPIRED (410).
 */
export async function markChangeLogTrimmed(redis: Redis, prefix: string, cursor: string) {
  await redis.set(`${prefix}:feed:log-trimmed`, cursor);
}
