/**
 * @relay/jobs — THE contract between the ingress and the workers: queue and job names, payload
 * schemas and their types, default job options, job ids, and the typed producer.
 * Not here: what a job does (processors live in apps/worker, domain logic in @relay/sync).
 *
 * Terminology
 * - job: one unit of work stored in Redis by BullMQ (e.g. upsert one contact).
 * - queue: a named BullMQ queue; the relay has one per lane.
 * - lane: a priority class of work. erasure > webhook > sync (CRM pushes) > backfill.
 * - attempt: one run of a job. 5xx/timeouts use attempts; a 429 does not.
 * - rate budget: the Intercom calls allowed per window, shared by every lane and process.
 * - window: Intercom's 10 s rate-limit interval, aligned to epoch seconds.
 */
export {
  createQueueAdmin,
  type DeadLetter,
  type DrainResult,
  LANES,
  type LaneSummary,
  type QueueAdmin,
  type QueueAdminOptions,
} from './admin.ts';
export {
  connectRedis,
  createProducerConnection,
  createWorkerConnection,
  type RedisClient,
  waitUntilReady,
} from './connection.ts';
export { createErasureStore, type ErasureAudit, type ErasureStore } from './erasure.ts';
export type { JobDataOf } from './job-data.ts';
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
export {
  DEFAULT_JOB_OPTIONS,
  JOB_RETENTION,
  type JobRetention,
  type KeepRule,
  keepJobs,
} from './job-options.ts';
export {
  createMemoryHeadroom,
  type MemoryHeadroom,
  type MemoryHeadroomOptions,
  type MemoryReading,
  parseMemoryInfo,
  REDIS_FILLING_RATIO,
  REDIS_FULL_RATIO,
} from './memory-headroom.ts';
export {
  createProducer,
  type EnqueueItemResult,
  type JobStatus,
  type Producer,
  type ProducerOptions,
  type WebhookEnqueueResult,
} from './producer.ts';
export {
  DEFAULT_PREFIX,
  type JobName,
  JobNames,
  type Lane,
  type QueueName,
  QueueNames,
} from './queues.ts';
export {
  createPendingStore,
  createRecordKeys,
  RECORD_KINDS,
  type RecordKind,
  syncKeyHash,
} from './record-keys.ts';
export { readRedisMemory } from './redis-memory.ts';
export {
  createRedisOutageLog,
  type OutageLogger,
  type RedisOutageLog,
  type RedisOutageLogOptions,
} from './redis-outage-log.ts';
export { explainSchemaErrors, type SchemaError, type SchemaProblem } from './schema-errors.ts';
export { type ArticleCreateJob, ArticleInput } from './schemas/article.ts';
export {
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
export { createWriteCoalescing } from './write-coalescing.ts';
