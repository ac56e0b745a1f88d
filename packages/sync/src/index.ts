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
 *
 * The change feed (Intercom → CRM, feed/):
 * - change: something that happened to a contact or company in Intercom that the CRM did not
 *   cause, appended to the change log (a Redis stream, kept FEED_RETENTION_MS) with a version.
 * - snapshot: per record (by Intercom id), a 16-bit path id and a 40-bit hash per fed field,
 *   never a value (feed/field-hashes.ts): what the relay last knew, to tell what changed.
 *   Intercom's notifications carry the whole object, not what changed.
 * - version: grows by one with each change of a record; a state older (by updated_at) than
 *   the one applied changes nothing; two states of the same second are settled by reading
 *   Intercom. A record's versions reach the log in order (one compare-and-set step).
 * - write ledger / echo rule: before each write to Intercom the relay notes the hashes of what
 *   it writes (a create's under its CRM id, as an intent); Intercom notifies API writes too,
 *   so a state whose differences are all in the ledger is an echo: the snapshot moves, no
 *   change is recorded. Changes to FEED_CRM_OWNED_FIELDS are conflicts, counted, not fed.
 * - tombstone: a deleted, merged-away or erased record keeps its version and takes no more
 *   changes until it expires with the log; an erasure also deletes every change naming it.
 *
 * The push (the feed POSTed to the CRM as Standard Webhooks, feed/push/):
 * - slot: per record, the one change still to deliver (its cursor, version, type, and the
 *   union of `changed` of the changes it stands for), the version last delivered, and the
 *   number of the delivery job that owns it, if one does. A newer change replaces a waiting
 *   one; one older than what was delivered is never staged: record order (invariant 8).
 * - dispatcher: one process at a time (a lease) stages the log into slots, in log order, in
 *   Redis (one Lua step per batch). Crash-safe: staging is idempotent.
 * - fast path: every worker claims due slots in batches, each leased for longer than a
 *   delivery's timeout (one delivery of a record at a time in the cluster), sends them, and
 *   acknowledges in batches. A failed delivery hands its slot to a `change.deliver` job.
 * - delivery job: the slow path, for a slot whose delivery failed: retries on the schedule
 *   (or Retry-After), the circuit's probes, the dead letter, its replay; under a record lock
 *   renewed right before sending.
 * - endpoint circuit: the endpoint's health in Redis, shared by every process; after failures
 *   in a row nothing is claimed and jobs wait without using attempts, one probe at a time;
 *   410 disables it until an operator enables it.
 */
export { type ArticleCreateDeps, articleCreate } from './articles/article-create.ts';
export { companiesReconcile } from './companies/companies-reconcile.ts';
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
export { eventTrack } from './events/event-track.ts';
export type { ChangeLog, PulledChange } from './feed/change-log.ts';
export { createChangeLogReader, createFeed, type Feed } from './feed/feed.ts';
export type { FeedOutcome } from './feed/feed-recorder.ts';
export { endpointUrlProblem } from './feed/push/crm-endpoint.ts';
export type { EndpointState } from './feed/push/endpoint-circuit.ts';
export { createPush, createPushControl, type Push, type PushControl } from './feed/push/push.ts';
export type { DeliveryOutcome } from './feed/push/push-delivery.ts';
export type { DeliveryJob } from './feed/push/push-dispatcher.ts';
export { parseSigningSecrets } from './feed/push/webhook-signature.ts';
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
