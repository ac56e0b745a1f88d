/**
 * @relay/jobs — THE contract between the ingress and the workers, free of BullMQ: lanes, queue
 * and job names, the data each job carries (schemas and types), job ids, validation, the
 * retention rules, and where a record's pending data lives. Its runtime is in two exports of
 * their own: `@relay/jobs/queue` (BullMQ: the lane → Queue map, enqueueing, job status, queue
 * health, admin actions) and `@relay/jobs/redis` (connections, memory headroom, outages).
 * Not here: what a job does (@relay/sync), and when it retries (the worker's run-job.ts).
 *
 * Terminology
 * - job: one unit of work stored in Redis by BullMQ (e.g. upsert one contact).
 * - queue: a named BullMQ queue; the relay has one per lane.
 * - lane: a priority class of work. erasure > webhook > sync (CRM pushes) > backfill.
 * - attempt: one run of a job. 5xx/timeouts use attempts; a 429 does not.
 * - rate budget: the Intercom calls allowed per window, shared by every lane and process.
 * - window: Intercom's 10 s rate-limit interval, aligned to epoch seconds.
 */
export type { ChangeDeliverJob, JobDataOf } from './job-data.ts';
export {
  articleCreateJobId,
  cacheWarmJobId,
  companyDedupId,
  companyUpsertJobId,
  contactDedupId,
  contactEraseJobId,
  contactJobIdPrefixes,
  contactRequestJobId,
  contactUpsertJobId,
  conversationActionJobId,
  eventJobId,
  isJobIdShape,
  JOB_ID_SHAPE,
  shortHash,
  webhookJobId,
} from './job-ids.ts';
export { JOB_RETENTION, type JobRetention, type KeepRule } from './job-retention.ts';
export {
  DEFAULT_PREFIX,
  type JobName,
  JobNames,
  LANES,
  type Lane,
  type QueueName,
  QueueNames,
} from './queues.ts';
export {
  createRecordKeys,
  RECORD_KINDS,
  type RecordKind,
  syncKeyHash,
} from './record-keys.ts';
export { createWriteCoalescing } from './redis/write-coalescing.ts';
export { explainSchemaErrors, type SchemaError, type SchemaProblem } from './schema-errors.ts';
export { type ArticleCreateJob, ArticleInput } from './schemas/article.ts';
export {
  type CompaniesReconcileJob,
  CompanyBatch,
  CompanyInput,
  type CompanyUpsertJob,
} from './schemas/company.ts';
export {
  CacheWarmRequest,
  type ContactArchiveJob,
  ContactBatch,
  ContactCompany,
  type ContactEraseJob,
  ContactInput,
  type ContactMergeJob,
  ContactMergeRequest,
  type ContactsReconcileJob,
  type ContactsWarmJob,
  type ContactUpsertJob,
  MAX_BATCH_ITEMS,
} from './schemas/contact.ts';
export {
  type ConversationAction,
  ConversationActionBody,
  type ConversationActionJob,
} from './schemas/conversation.ts';
export {
  EventBatch,
  EventInput,
  type EventTrackJob,
  MAX_EVENT_METADATA_KEYS,
} from './schemas/event.ts';
export { WebhookNotification, type WebhookProcessJob } from './schemas/webhook.ts';
export { compileValidator, type ValidationResult } from './validate.ts';
