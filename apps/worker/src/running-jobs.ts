import type { Job } from 'bullmq';

type Processor = (job: Job, token?: string) => Promise<unknown>;

/**
 * The jobs this process is running, with their lock tokens, so that a shutdown that cannot
 * wait for them any longer can hand them back to their queue: another worker then runs them
 * at once instead of after their lock expires (JOB_LOCK_MS, 30 s by default), and they are
 * not counted as stalled.
 */
export function createRunningJobs() {
  const running = new Map<Job, string>();
  return {
    get size() {
      return running.size;
    },
    /** Wraps a BullMQ processor so that every job it runs is known while it runs. */
    track(processor: Processor): Processor {
      return async (job, token) => {
        if (token) running.set(job, token);
        try {
          return await processor(job, token);
        } finally {
          running.delete(job);
        }
      };
    },
    /**
     * Moves every running job back to the head of its queue's waiting list. A job that ends
     * meanwhile or whose lock is gone is skipped; its effects are idempotent either way.
     */
    async handBack(): Promise<number> {
      const jobs = [...running];
      running.clear();
      const moved = await Promise.allSettled(jobs.map(([job, token]) => job.moveToWait(token)));
      return moved.filter((outcome) => outcome.status === 'fulfilled').length;
    },
  };
}
