import type { JobLock } from './record-state.ts';

/** What a sync service may know about the run of the job it serves, besides its data. */
export type RunContext = {
  jobId: string;
  attempt: number;
  /** The job was started before (a retry, a re-run after its worker died, a budget wait). */
  startedBefore: boolean;
  /**
   * The job's own lock in Redis: this run holds the job while `key` holds `token`. Absent
   * outside a worker (tests calling a processor directly).
   */
  lock?: JobLock | undefined;
};
