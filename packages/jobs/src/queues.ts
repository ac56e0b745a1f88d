/**
 * One queue per lane. Lanes share one Intercom rate budget; their order says who goes first
 * when the budget is short: erasures, then webhook-driven work, then CRM pushes, then
 * backfills. The last lane, `crm`, delivers the change feed to the CRM's endpoint and calls
 * Intercom never (it asks the budget for nothing). Names carry no ':' (BullMQ rejects it).
 */
export const QueueNames = {
  erasure: 'relay-erasure',
  webhook: 'relay-webhook',
  sync: 'relay-sync',
  backfill: 'relay-backfill',
  crm: 'relay-crm',
} as const;

export type Lane = keyof typeof QueueNames;

/** Every lane, most urgent first: the order the rate budget serves them in. */
export const LANES = Object.keys(QueueNames) as Lane[];
export type QueueName = (typeof QueueNames)[Lane];

/** Job names are `domain.verb`. */
export const JobNames = {
  contactUpsert: 'contact.upsert',
  webhookProcess: 'webhook.process',
  eventTrack: 'event.track',
  companyUpsert: 'company.upsert',
  contactErase: 'contact.erase',
  contactsReconcile: 'contacts.reconcile',
  contactMerge: 'contact.merge',
  contactArchive: 'contact.archive',
  conversationAct: 'conversation.act',
  articleCreate: 'article.create',
  contactsWarm: 'contacts.warm',
  companiesReconcile: 'companies.reconcile',
  changeDeliver: 'change.deliver',
} as const;

export type JobName = (typeof JobNames)[keyof typeof JobNames];

/**
 * The default BullMQ key prefix. The braces are a Redis Cluster hash tag: every key of every
 * queue lands on one shard, which BullMQ's multi-key scripts need.
 */
export const DEFAULT_PREFIX = '{relay}';
