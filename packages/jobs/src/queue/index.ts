/**
 * @relay/jobs/queue — the queues' runtime on BullMQ (the contract is @relay/jobs): one lane →
 * Queue map, enqueueing with per-item answers, job status, queue health, admin actions and
 * the removal of a contact's jobs for an erasure.
 */
export {
  createQueueAdmin,
  type DrainResult,
  type LaneSummary,
  type QueueAdmin,
  type QueueAdminOptions,
} from './admin.ts';
export { createContactJobRemoval } from './contact-jobs.ts';
export type { DeadLetter } from './dead-letters.ts';
export { DEFAULT_JOB_OPTIONS, keepJobs } from './job-options.ts';
export type { JobStatus } from './job-status.ts';
export {
  createProducer,
  type EnqueueItemResult,
  type Producer,
  type ProducerOptions,
  type WebhookEnqueueResult,
} from './producer.ts';
