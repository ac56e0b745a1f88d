import { createHash, randomUUID } from 'node:crypto';

/**
 * Deterministic: a redelivered notification maps to the same job id, and BullMQ ignores an
 * add whose id exists, so a duplicate webhook is a no-op.
 */
export function webhookJobId(notificationId: string): string {
  return `webhook-${notificationId}`;
}

/**
 * Upserts carry a fresh id: two pushes of one contact are two changes (A, B, A must end at
 * A). The external_id is hashed so no CRM identifier (often an email) reaches a job id.
 */
export function contactUpsertJobId(externalId: string): string {
  return `contact-${shortHash(externalId)}-${randomUUID()}`;
}

export function shortHash(value: string): string {
  return createHash('sha256').update(value).digest('hex').slice(0, 16);
}

/** One deduplication id per contact (per lane's queue): coalescing and no parallel runs. */
export function contactDedupId(externalId: string): string {
  return `contact-${createHash('sha256').update(externalId).digest('hex').slice(0, 32)}`;
}

/** As for contacts: a fresh id per push, the company_id hashed. */
export function companyUpsertJobId(companyId: string): string {
  return `company-${shortHash(companyId)}-${randomUUID()}`;
}

/** One deduplication id per company: coalescing and no parallel runs. */
export function companyDedupId(companyId: string): string {
  return `company-${createHash('sha256').update(companyId).digest('hex').slice(0, 32)}`;
}

/**
 * One job per event: the CRM's event id when it sends one, else the event's name, contact and
 * time. A re-sent event finds its job and adds nothing (Intercom would count a duplicate
 * against the rate limit).
 */
export function eventJobId(event: {
  id?: string | undefined;
  event_name: string;
  external_id: string;
  created_at: number;
}): string {
  const identity =
    event.id !== undefined
      ? `id:${event.id}`
      : `${event.event_name}\u0000${event.external_id}\u0000${event.created_at}`;
  // The contact's hash leads, so an erasure finds the contact's events by prefix.
  return `event-${shortHash(event.external_id)}-${shortHash(identity)}`;
}

/** An erasure request: the contact's hash and a fresh id (each request is audited). */
export function contactEraseJobId(externalId: string): string {
  return `erase-${shortHash(externalId)}-${randomUUID()}`;
}

/** Prefixes of the ids of every job that carries this contact's data, in any lane. */
export function contactJobIdPrefixes(externalId: string): string[] {
  const hash = shortHash(externalId);
  return [`contact-${hash}-`, `event-${hash}-`];
}

/** Merge and archive requests: the contact's hash leads (erasure finds them), a fresh id. */
export function contactRequestJobId(verb: 'merge' | 'archive', externalId: string): string {
  return `contact-${shortHash(externalId)}-${verb}-${randomUUID()}`;
}

/**
 * A conversation action: with the caller's Idempotency-Key, the same request sent twice is
 * one job (one reply); without one, every request is its own.
 */
export function conversationActionJobId(conversationId: string, idempotencyKey?: string): string {
  const request = idempotencyKey === undefined ? randomUUID() : shortHash(idempotencyKey);
  return `conversation-${shortHash(conversationId)}-${request}`;
}

/** An article to create: with an Idempotency-Key, the same request twice is one job. */
export function articleCreateJobId(idempotencyKey?: string): string {
  return `article-${idempotencyKey === undefined ? randomUUID() : shortHash(idempotencyKey)}`;
}

/** Cache warming: a fresh id per request. */
export function cacheWarmJobId(): string {
  return `warm-${randomUUID()}`;
}

/**
 * What the ids above begin with: the kinds of job the relay answers a caller with. An id of
 * another shape is not one it made (a typo, a CRM id passed by mistake), which deserves
 * another answer than "no such job".
 */
const JOB_ID_KINDS = [
  'contact',
  'company',
  'event',
  'erase',
  'warm',
  'conversation',
  'article',
  'webhook',
] as const;

/** Every id above: a kind, `-`, then letters, digits, `-`, `_` or `.` (a webhook's id is Intercom's, up to 200). */
const JOB_ID = new RegExp(`^(?:${JOB_ID_KINDS.join('|')})-[A-Za-z0-9._-]{1,200}$`);

/** The shape of a job id, in words, for an answer that refuses one. */
export const JOB_ID_SHAPE = `<kind>-<letters, digits, "-", "_" or ".">, where kind is ${JOB_ID_KINDS.join(', ')}`;

/** Whether `id` has the shape of a job id the relay makes (not whether such a job exists). */
export function isJobIdShape(id: string): boolean {
  return JOB_ID.test(id);
}
