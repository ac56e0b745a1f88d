/** What a processor may know about the job it runs, besides its data. */
export type JobContext = {
  jobId: string;
  attempt: number;
  /** The job was started before (a retry, a re-run after its worker died, a budget wait). */
  startedBefore: boolean;
  /**
   * The job's own lock in Redis: this run holds the job while `key` holds `token`. Absent
   * outside a worker (tests calling a processor directly).
   */
  lock?: { key: string; token: string } | undefined;
};
