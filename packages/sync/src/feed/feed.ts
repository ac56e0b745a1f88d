import type { IntercomClient } from '@relay/intercom';
import type { Cluster, Redis } from 'ioredis';
import { createChangeLog } from './change-log.ts';
import { createFeedExtras } from './feed-extras.ts';
import { createFeedLookups } from './feed-lookups.ts';
import { createFeedRecorder, type FeedRecorderDeps } from './feed-recorder.ts';
import { createFeedStore, feedKeys } from './feed-store.ts';
import { createFeedWrites } from './feed-writes.ts';

export type FeedOptions = {
  redis: Redis | Cluster;
  prefix: string;
  intercom: IntercomClient;
  /** FEED_RETENTION_MS: how long changes (and gone records' tombstones) are kept. */
  retentionMs: number;
  /** FEED_CRM_OWNED_FIELDS: Intercom-side changes to these are conflicts, not changes. */
  crmOwnedFields: readonly string[];
  /** Told of every outcome of recording, with its source (metrics). */
  observe?: FeedRecorderDeps['observe'];
  now?: () => number;
};

/** The worker's side of the change feed: recording, the relay's own writes, erasure. */
export function createFeed(options: FeedOptions) {
  const { redis, prefix, now } = options;
  const store = createFeedStore(redis, prefix, { retentionMs: options.retentionMs });
  const log = createChangeLog(redis, feedKeys(prefix));
  const lookups = createFeedLookups({ redis, prefix, intercom: options.intercom, now });
  return {
    recorder: createFeedRecorder({
      store,
      lookups,
      crmOwned: new Set(options.crmOwnedFields),
      observe: options.observe,
      now,
    }),
    writes: createFeedWrites(store, lookups),
    extras: createFeedExtras({ store, log, observe: options.observe, now }),
    lookups,
    log,
  };
}

export type Feed = ReturnType<typeof createFeed>;

/** The ingress's side: reading the change log (GET /v1/changes). */
export const createChangeLogReader = (redis: Redis | Cluster, prefix: string) =>
  createChangeLog(redis, feedKeys(prefix));
