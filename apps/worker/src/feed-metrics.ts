import type { FeedOutcome } from '@relay/sync';
import type { Metrics } from '@relay/telemetry';

/** Counts what the change feed recorded (relay_feed_*), by object, type and source. */
export function countFeedOutcome(metrics: Metrics) {
  return (outcome: FeedOutcome, source: string) => {
    if (outcome.outcome === 'change' && outcome.type) {
      metrics.feedChanges.inc({ object: outcome.object, type: outcome.type, source });
      if (outcome.occurredAt) {
        const lag = Math.max(0, Date.now() / 1000 - outcome.occurredAt);
        metrics.feedLag.observe({ source }, lag);
      }
    }
    if (outcome.outcome === 'echo') metrics.feedEchoes.inc({ object: outcome.object });
    if (outcome.conflicts > 0) {
      metrics.feedConflicts.inc({ object: outcome.object }, outcome.conflicts);
    }
  };
}
