import type { FeedOutcome } from '@relay/sync';
import type { Logger, Metrics } from '@relay/telemetry';

/**
 * Counts what the change feed recorded (relay_feed_*), by object, type and source, and logs
 * each conflict (a CRM-owned field changed in Intercom) with ids and field names only.
 */
export function countFeedOutcome(metrics: Metrics, logger: Logger) {
  // A labelled child per label set, found once: prom-client checks and sorts labels per call,
  // which cost about as much as detecting the change (bench/feed-throughput.ts).
  const changes = new Map<string, { inc(): void }>();
  const lags = new Map<string, { observe(value: number): void }>();
  return (outcome: FeedOutcome, source: string) => {
    if (outcome.outcome === 'change' && outcome.type) {
      const key = `${outcome.object} ${outcome.type} ${source}`;
      let counter = changes.get(key);
      if (!counter) {
        counter = metrics.feedChanges.labels({
          object: outcome.object,
          type: outcome.type,
          source,
        });
        changes.set(key, counter);
      }
      counter.inc();
      if (outcome.occurredAt) {
        const lag = Math.max(0, Date.now() / 1000 - outcome.occurredAt);
        let histogram = lags.get(source);
        if (!histogram) {
          histogram = metrics.feedLag.labels({ source });
          lags.set(source, histogram);
        }
        histogram.observe(lag);
      }
    }
    if (outcome.outcome === 'echo') metrics.feedEchoes.inc({ object: outcome.object });
    if (outcome.conflicts.length > 0) {
      metrics.feedConflicts.inc({ object: outcome.object }, outcome.conflicts.length);
      logger.info(
        { object: outcome.object, intercomId: outcome.intercomId, fields: outcome.conflicts },
        'a field the CRM owns was changed in Intercom: not fed (FEED_CRM_OWNED_FIELDS)',
      );
    }
  };
}
