import { type Lane, QueueNames } from '@relay/jobs';
import type { Producer } from '@relay/jobs/queue';
import { createScrapeSample, type Metrics } from '@relay/telemetry';

/**
 * Samples queue depths (relay_queue_jobs), which queues are paused (relay_queue_paused), the
 * oldest waiting job's age per lane (relay_queue_oldest_job_age_seconds) and Redis memory use
 * (relay_redis_memory_used_ratio) when /metrics is scraped. A scrape waits for Redis only
 * briefly: while Redis does not answer, the last values are served and
 * relay_redis_gauges_age_seconds says how old they are.
 */
export function registerQueueGauges(metrics: Metrics, producer: Producer): void {
  const queue = (lane: string) => QueueNames[lane as Lane];
  const sample = createScrapeSample({
    age: metrics.redisGaugesAge,
    read: async () => {
      const [oldest, counts, paused, memory] = await Promise.all([
        producer.oldestWaitingAgeMs(),
        producer.jobCounts(),
        producer.pausedLanes(),
        producer.memory(),
      ]);
      for (const [lane, ms] of Object.entries(oldest)) {
        metrics.queueOldestJobAge.set({ queue: queue(lane) }, ms / 1000);
      }
      for (const [lane, byState] of Object.entries(counts)) {
        for (const [state, value] of Object.entries(byState)) {
          metrics.queueJobs.set({ queue: queue(lane), state }, value);
        }
      }
      for (const [lane, isPaused] of Object.entries(paused)) {
        metrics.queuePaused.set({ queue: queue(lane) }, isPaused ? 1 : 0);
      }
      const { usedBytes, maxBytes } = memory;
      metrics.redisMemoryUsedRatio.set(maxBytes > 0 ? usedBytes / maxBytes : 0);
    },
  });
  sample.attach(
    metrics.queueOldestJobAge,
    metrics.queueJobs,
    metrics.queuePaused,
    metrics.redisMemoryUsedRatio,
  );
}
