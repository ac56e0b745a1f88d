import { type Lane, type Producer, QueueNames } from '@relay/jobs';
import type { Metrics } from '@relay/telemetry';

/**
 * Samples queue depths (relay_queue_jobs), which queues are paused (relay_queue_paused), the
 * oldest waiting job's age per lane (relay_queue_oldest_job_age_seconds) and Redis memory use
 * (relay_redis_memory_used_ratio) each time /metrics is scraped.
 */
export function registerQueueGauges(metrics: Metrics, producer: Producer): void {
  const queue = (lane: string) => QueueNames[lane as Lane];
  sampleAtScrape(metrics.queueOldestJobAge, async (gauge) => {
    for (const [lane, ms] of Object.entries(await producer.oldestWaitingAgeMs())) {
      gauge.set({ queue: queue(lane) }, ms / 1000);
    }
  });
  sampleAtScrape(metrics.queueJobs, async (gauge) => {
    for (const [lane, byState] of Object.entries(await producer.jobCounts())) {
      for (const [state, value] of Object.entries(byState)) {
        gauge.set({ queue: queue(lane), state }, value);
      }
    }
  });
  sampleAtScrape(metrics.queuePaused, async (gauge) => {
    for (const [lane, isPaused] of Object.entries(await producer.pausedLanes())) {
      gauge.set({ queue: queue(lane) }, isPaused ? 1 : 0);
    }
  });
  sampleAtScrape(metrics.redisMemoryUsedRatio, async (gauge) => {
    const { usedBytes, maxBytes } = await producer.memory();
    gauge.set(maxBytes > 0 ? usedBytes / maxBytes : 0);
  });
}

/** Runs `sample` when the gauge is collected; while Redis is down the last values stay. */
function sampleAtScrape<G extends object>(gauge: G, sample: (gauge: G) => Promise<void>) {
  Object.assign(gauge, {
    collect: async () => {
      try {
        await sample(gauge);
      } catch {
        // Redis is down: keep the last values; /readyz says why.
      }
    },
  });
}
