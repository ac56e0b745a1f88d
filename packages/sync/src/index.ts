/**
 * @relay/sync — the sync domain shared by the ingress and the workers.
 * Here now: the contact cache (read-through, stale copies while Intercom fails).
 */
export {
  type CachedContact,
  type ContactCache,
  type ContactCacheOptions,
  createContactCache,
} from './contact-cache.ts';
export {
  type AttributeCheck,
  createDataAttributeCatalog,
  DATA_ATTRIBUTES_WAIT_MS,
  type DataAttributeCatalog,
} from './data-attributes.ts';
export { payloadHash } from './records/payload-hash.ts';
export {
  type CompanyState,
  type ContactState,
  createCompanyState,
  createContactState,
  type IntercomMatch,
  type JobLock,
  type SyncRun,
  type SyncSnapshot,
  type SyncState,
} from './records/record-state.ts';
export type { RunContext } from './records/run-context.ts';
export {
  lockRecord,
  type RecordRun,
  type SyncOutcome,
  syncLatest,
} from './records/sync-latest.ts';
