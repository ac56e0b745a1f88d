/**
 * @relay/sync — the sync domain, both directions: what the workers do with each job, and
 * what the ingress reads (contacts read through, the attribute catalog). It takes what it
 * needs as arguments (`XDeps`); it knows nothing of BullMQ, retries or metrics (the worker's
 * run-job.ts turns its errors into job behaviour, through the error catalog).
 *
 * Glossary (the hazards each word names are explained here once; code points here):
 * - record: one contact or company the CRM pushes, named by its CRM id (external_id,
 *   company_id). Its state lives in one Redis hash (records/record-state.ts).
 * - pending: the latest data the CRM sent for a record and Intercom does not hold yet. A job
 *   syncs whatever is pending when it runs, so a burst of pushes becomes one call.
 * - run: one execution of a job. A job may run several times (a crash, a stall, a retry, a
 *   hold): every effect must be the same after two runs as after one.
 * - record lock: one run of one job per record at a time, across lanes and processes
 *   (sync-latest.ts). A run of the same job that held it and vanished is fenced out.
 * - write mark: set on the record before a run's first write to Intercom and cleared when the
 *   outcome is recorded. While set, a write may have landed without a trace: the next run
 *   looks at Intercom before writing, and never takes the record as synced.
 * - fence: before each write a run renews its job's lock, and writes nothing once the job is
 *   another run's (a worker cut off from Redis past its lock: the worker's fenced-intercom.ts).
 * - sent nothing: an error that provably made no call (AppError.sentNothing): a run that only
 *   met such errors drops its own write mark.
 * - contact directory: the one place that says which Intercom contact an external_id names,
 *   with its cached copy (contacts/contact-directory.ts).
 * - gone mark: a contact Intercom no longer has (deleted, erased, merged away); a late
 *   description of it (a redelivered notification, a lagging search) is refused for days.
 * - identity rule: one external_id, one Intercom contact. Intercom also matches by email: a
 *   409 naming another record's contact is CONTACT_IDENTITY_CONFLICT, and nothing is written.
 */
export { type ArticleCreateDeps, articleCreate } from './articles/article-create.ts';
export { type CompanyUpsertDeps, companyUpsert } from './companies/company-upsert.ts';
export { contactArchive } from './contacts/contact-archive.ts';
export {
  type CachedContact,
  type ContactDirectory,
  type ContactDirectoryOptions,
  createContactDirectory,
} from './contacts/contact-directory.ts';
export { contactMerge } from './contacts/contact-merge.ts';
export { type ContactUpsertDeps, contactUpsert } from './contacts/contact-upsert.ts';
export { contactsReconcile } from './contacts/contacts-reconcile.ts';
export { contactsWarm } from './contacts/contacts-warm.ts';
export {
  type AttributeCheck,
  createDataAttributeCatalog,
  DATA_ATTRIBUTES_WAIT_MS,
  type DataAttributeCatalog,
} from './contacts/data-attributes.ts';
export { createReconcileMarks, type ReconcileMarks } from './contacts/reconcile-marks.ts';
export { conversationAct } from './conversations/conversation-act.ts';
export {
  type ConversationSink,
  createHttpSink,
  createStreamSink,
  noSink,
} from './conversations/conversation-sink.ts';
export { eventTrack } from './events/event-track.ts';
export { contactErase } from './gdpr/contact-erase.ts';
export {
  createErasureAudit,
  type ErasureAudit,
  type ErasureAuditLog,
} from './gdpr/erasure-audit.ts';
export { notificationProcess } from './notifications/notification-process.ts';
export {
  type CompanyState,
  type ContactState,
  createCompanyState,
  createContactState,
  type JobLock,
} from './records/record-state.ts';
export type { RunContext } from './records/run-context.ts';
