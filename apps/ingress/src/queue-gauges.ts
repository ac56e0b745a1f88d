import { type Producer, QueueNames } from '@relay/jobs';
import type { Metrics } from '@relay/telemetry';

/** Samples queue depths into relay_queue_jobs each time /metrics is scraped. */
export function registerQueueGauges(metrics: Metrics, producer: Producer): void {
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
}
