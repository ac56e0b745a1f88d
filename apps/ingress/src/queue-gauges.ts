import { type Producer, QueueNames } from '@relay/jobs';
import type { Metrics } from '@relay/telemetry';

/**
 * Samples queue depths (relay_queue_jobs), which queues are paused (relay_queue_paused), the
 * oldest waiting job's age per lane
 * (relay_queue_oldest_job_age_seconds) and Redis memory use (relay_redis_memory_used_ratio)
 * each time /metrics is scraped.
 */
export function registerQueueGauges(metrics: Metrics, producer: Producer): void {
  const age = metrics.queueOldestJobAge as typeof metrics.queueOldestJobAge & {
    collect?: () => Promise<void>;
  };
  Object.assign(age, {
    collect: async () => {
      try {
        const ages = await producer.oldestWaitingAgeMs();
        for (const [lane, ms] of Object.entries(ages)) {
          age.set({ queue: QueueNames[lane as keyof typeof QueueNames] }, ms / 1000);
        }
      } catch {
        // Redis is down: keep the last values.
      }
    },
  });
  const gauge = metrics.queueJobs as typeof metrics.queueJobs & { collect?: () => Promise<void> };
  Object.assign(gauge, {
    collect: async () => {
      try {
        const counts = await producer.jobCounts();
        for (const [lane, byState] of Object.entries(counts)) {
          const queue = QueueNames[lane as keyof typeof QueueNames];
          for (const [state, value] of Object.entries(byState)) gauge.set({ queue, state }, value);
        }
      } catch {
        // Redis is down: keep the last values; /readyz says why.
      }
    },
  });
  const memory = metrics.redisMemoryUsedRatio as typeof metrics.redisMemoryUsedRatio & {
    collect?: () => Promise<void>;
  };
  Object.assign(memory, {
    collect: async () => {
      try {
        const { usedBytes, maxBytes } = await producer.memory();
        memory.set(maxBytes > 0 ? usedBytes / maxBytes : 0);
      } catch {
        // Redis is down: keep the last value.
      }
    },
  });
  const paused = metrics.queuePaused as typeof metrics.queuePaused & {
    collect?: () => Promise<void>;
  };
  Object.assign(paused, {
    collect: async () => {
      try {
        for (const [lane, isPaused] of Object.entries(await producer.pausedLanes())) {
          paused.set({ queue: QueueNames[lane as keyof typeof QueueNames] }, isPaused ? 1 : 0);
        }
      } catch {
        // Redis is down: keep the last values.
      }
    },
  });
}
