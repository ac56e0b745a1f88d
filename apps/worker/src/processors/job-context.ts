/** What a processor may know about the job it runs, besides its data. */
export type JobContext = { jobId: string; attempt: number };
