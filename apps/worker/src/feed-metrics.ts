import type { FeedOutcome } from '@relay/sync';
import type { Logger, Metrics } from '@relay/telemetry';

/**
 * Counts what the change feed recorded (relay_feed_*), by object, type and source, and logs
 * each conflict (a CRM-owned field changed in Intercom) with ids and field names only.
 */
export function countFeedOutcome(metrics: Metrics, logger: Logger) {
  return (outcome: FeedOutcome, source: string) => {
    if (outcome.outcome === 'change' && outcome.type) {
      metrics.feedChanges.inc({ object: outcome.object, type: outcome.type, source });
      if (outcome.occurredAt) {
        const lag = Math.max(0, Date.now() / 1000 - outcome.occurredAt);
        metrics.feedLag.observe({ source }, lag);
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
