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
