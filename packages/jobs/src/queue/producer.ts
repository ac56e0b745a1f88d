import type { AppError } from '@relay/errors';
import {
  articleCreateJobId,
  cacheWarmJobId,
  companyDedupId,
  companyUpsertJobId,
  contactDedupId,
  contactEraseJobId,
  contactRequestJobId,
  contactUpsertJobId,
  conversationActionJobId,
  eventJobId,
  webhookJobId,
} from '../job-ids.ts';
import { type JobName, JobNames, type Lane } from '../queues.ts';
import type { RedisClient } from '../redis/connection.ts';
import { createPendingStore } from '../redis/pending-store.ts';
import type { ReplicaConfirm } from '../redis/replica-confirm.ts';
import { createStoreGuard } from '../redis/store-guard.ts';
import { createWriteCoalescing } from '../redis/write-coalescing.ts';
import type { ArticleCreateJob, ArticleInput } from '../schemas/article.ts';
import type { CompanyInput, CompanyUpsertJob } from '../schemas/company.ts';
import type {
  ContactArchiveJob,
  ContactEraseJob,
  ContactInput,
  ContactMergeJob,
  ContactMergeRequest,
  ContactsWarmJob,
  ContactUpsertJob,
} from '../schemas/contact.ts';
import type { ConversationActionJob } from '../schemas/conversation.ts';
import type { EventInput, EventTrackJob } from '../schemas/event.ts';
import type { WebhookNotification, WebhookProcessJob } from '../schemas/webhook.ts';
import { createBatchedAdd } from './batched-add.ts';
import { DEFAULT_JOB_OPTIONS } from './job-options.ts';
import { createJobStatus } from './job-status.ts';
import { openLaneQueues } from './lane-queues.ts';
import { createQueueHealth } from './queue-health.ts';

export type ProducerOptions = {
  connection: RedisClient;
  /** BullMQ key prefix; keep the braces for Redis Cluster. @defaultValue '{relay}' */
  prefix: string;
  /**
   * How long one store may take before the caller is told QUEUE_UNAVAILABLE. Below Intercom's
   * 5 s webhook timeout, so Intercom sees our 503 rather than its own timeout.
   * @defaultValue 3000
   */
  storeTimeoutMs?: number;
  /**
   * REDIS_ACK_REPLICAS: a store is answered only once this confirms the replicas hold it
   * (replica-confirm.ts); without it, once the primary has it.
   */
  confirmReplicas?: ReplicaConfirm;
};

export type EnqueueItemResult = { ok: true; jobId: string } | { ok: false; error: AppError };

export type WebhookEnqueueResult = { jobId: string; duplicate: boolean };

/**
 * The ingress side of the queues: enqueueing (every method resolves only once Redis has stored
 * the job: acknowledged means durable; it throws QUEUE_UNAVAILABLE when Redis cannot take it,
 * and INTERNAL when the store failed for any other reason), with the job status and queue
 * health questions the ingress asks of the same queues.
 */
export function createProducer(options: ProducerOptions) {
  const storeTimeoutMs = options.storeTimeoutMs ?? 3_000;
  const queues = openLaneQueues(options.connection, options.prefix);
  const queue = (lane: Lane) => queues.get(lane);
  const store = createStoreGuard(
    options.connection,
    storeTimeoutMs,
    'the job store (Redis) cannot take jobs right now; retry later',
  );
  const { withDeadline, failure: storeFailure } = store;
  const contactPending = createPendingStore<ContactInput>(
    options.connection,
    options.prefix,
    'contact',
  );
  const companyPending = createPendingStore<CompanyInput>(
    options.connection,
    options.prefix,
    'company',
  );
  const holdWrites = createWriteCoalescing(options.connection);
  // Webhooks arrive in bursts from one sender and each needs only its own add: stored
  // together, a round trip per event-loop turn rather than per request (batched-add.ts).
  const addWebhook = createBatchedAdd({
    queue: queue('webhook'),
    connection: options.connection,
    jobName: JobNames.webhookProcess,
    jobOptions: DEFAULT_JOB_OPTIONS,
    timeoutMs: storeTimeoutMs,
  });

  /** Once the replicas hold what was stored (REDIS_ACK_REPLICAS), or at once without them. */
  const replicated = options.confirmReplicas ?? (() => Promise.resolve());

  /** Items stored but not confirmed on the replicas are not acknowledged: each fails. */
  async function confirmItems(results: EnqueueItemResult[]): Promise<EnqueueItemResult[]> {
    if (!results.some((result) => result.ok)) return results;
    try {
      await replicated();
      return results;
    } catch (cause) {
      const error = storeFailure(cause);
      return results.map((result) => (result.ok ? { ok: false, error } : result));
    }
  }

  async function addOne(name: JobName, data: unknown, jobId: string, lane: Lane = 'sync') {
    try {
      await withDeadline(queue(lane).add(name, data, { ...DEFAULT_JOB_OPTIONS, jobId }));
      await replicated();
      return { jobId };
    } catch (cause) {
      throw storeFailure(cause);
    }
  }

  /**
   * Stores each record's latest data, then makes sure one job will sync it: BullMQ's
   * deduplication (keepLastIfActive) keeps at most one waiting and one running job per
   * record, so a burst of updates to one record coalesces into one call with the latest data,
   * and a record's jobs never run side by side. The answer's jobId is the job that will carry
   * the change. Items are stored together (one write for their data, one for their adds) and
   * each gets its own outcome: a batch can be half stored and only per-item answers are honest.
   */
  async function enqueueRecords<T>(
    items: readonly T[],
    lane: Lane,
    kind: {
      storePending: (item: T) => Promise<number>;
      jobName: JobName;
      crmIdOf: (item: T) => string;
      jobIdOf: (crmId: string) => string;
      dedupIdOf: (crmId: string) => string;
      dataOf: (item: T) => unknown;
    },
  ): Promise<EnqueueItemResult[]> {
    // Every item's data first, then every add: each step's commands leave in one write.
    holdWrites();
    const stored = await Promise.allSettled(
      items.map((item) => withDeadline(kind.storePending(item))),
    );
    holdWrites();
    const results = await Promise.all(
      items.map(async (item, i): Promise<EnqueueItemResult> => {
        const store = stored[i];
        if (store?.status !== 'fulfilled') {
          return { ok: false, error: storeFailure(store?.reason) };
        }
        const crmId = kind.crmIdOf(item);
        try {
          const job = await withDeadline(
            queue(lane).add(kind.jobName, kind.dataOf(item), {
              ...DEFAULT_JOB_OPTIONS,
              jobId: kind.jobIdOf(crmId),
              deduplication: { id: kind.dedupIdOf(crmId), keepLastIfActive: true },
            }),
          );
          return { ok: true, jobId: job.id as string };
        } catch (cause) {
          return { ok: false, error: storeFailure(cause) };
        }
      }),
    );
    return confirmItems(results);
  }

  return {
    /** Contacts to create or update (see enqueueRecords: coalescing, per-item answers). */
    enqueueContactUpserts(
      contacts: readonly ContactInput[],
      lane: Lane = 'sync',
    ): Promise<EnqueueItemResult[]> {
      const receivedAt = Date.now();
      return enqueueRecords(contacts, lane, {
        storePending: contactPending,
        jobName: JobNames.contactUpsert,
        crmIdOf: (contact) => contact.external_id,
        jobIdOf: contactUpsertJobId,
        dedupIdOf: contactDedupId,
        dataOf: (contact): ContactUpsertJob => ({ contact, receivedAt }),
      });
    },

    /**
     * An admin's reply, note or close on a conversation, in the webhook lane (a person is
     * waiting on it). A repeated Idempotency-Key answers with the job already made.
     */
    async enqueueConversationAction(
      action: Omit<ConversationActionJob, 'requestedAt'>,
      idempotencyKey?: string,
    ): Promise<{ jobId: string }> {
      const jobId = conversationActionJobId(action.conversationId, idempotencyKey);
      const data: ConversationActionJob = { ...action, requestedAt: Date.now() };
      return addOne(JobNames.conversationAct, data, jobId, 'webhook');
    },

    /** Loads contacts into the read cache, in the backfill lane (it only uses spare budget). */
    async enqueueCacheWarm(externalIds: string[]) {
      const data: ContactsWarmJob = { externalIds, requestedAt: Date.now() };
      return addOne(JobNames.contactsWarm, data, cacheWarmJobId(), 'backfill');
    },

    /** A help-center article to create, in the sync lane. */
    async enqueueArticle(article: ArticleInput, idempotencyKey?: string) {
      const data: ArticleCreateJob = { article, requestedAt: Date.now() };
      return addOne(JobNames.articleCreate, data, articleCreateJobId(idempotencyKey));
    },

    /** Merges a lead into a user (both by external_id), in the sync lane. */
    async enqueueMerge(request: ContactMergeRequest): Promise<{ jobId: string }> {
      const jobId = contactRequestJobId('merge', request.lead_external_id);
      const data: ContactMergeJob = {
        leadExternalId: request.lead_external_id,
        userExternalId: request.user_external_id,
        requestedAt: Date.now(),
      };
      return addOne(JobNames.contactMerge, data, jobId);
    },

    /** Archives or unarchives a contact (by external_id), in the sync lane. */
    async enqueueArchive(externalId: string, archived: boolean): Promise<{ jobId: string }> {
      const jobId = contactRequestJobId('archive', externalId);
      const data: ContactArchiveJob = { externalId, archived, requestedAt: Date.now() };
      return addOne(JobNames.contactArchive, data, jobId);
    },

    /**
     * A GDPR erasure of the contact with this external_id, in the erasure lane (served first).
     * Each request is its own job, and is audited.
     */
    async enqueueErasure(externalId: string): Promise<{ jobId: string }> {
      const data: ContactEraseJob = { externalId, requestedAt: Date.now() };
      return addOne(JobNames.contactErase, data, contactEraseJobId(externalId), 'erasure');
    },

    /** Companies to create or update by company_id, as contacts. */
    enqueueCompanyUpserts(
      companies: readonly CompanyInput[],
      lane: Lane = 'sync',
    ): Promise<EnqueueItemResult[]> {
      const receivedAt = Date.now();
      return enqueueRecords(companies, lane, {
        storePending: companyPending,
        jobName: JobNames.companyUpsert,
        crmIdOf: (company) => company.company_id,
        jobIdOf: companyUpsertJobId,
        dedupIdOf: companyDedupId,
        dataOf: (company): CompanyUpsertJob => ({ company, receivedAt }),
      });
    },

    /**
     * One job per event, its id derived from the event (see eventJobId): a re-sent event is a
     * no-op and answers with the job that already carries it. Per-item outcomes, as above.
     */
    async enqueueEvents(events: readonly EventInput[]): Promise<EnqueueItemResult[]> {
      const receivedAt = Date.now();
      const results = await Promise.all(
        events.map(async (event): Promise<EnqueueItemResult> => {
          const jobId = eventJobId(event);
          const data: EventTrackJob = { event, receivedAt };
          try {
            holdWrites();
            await withDeadline(
              queue('sync').add(JobNames.eventTrack, data, { ...DEFAULT_JOB_OPTIONS, jobId }),
            );
            return { ok: true, jobId };
          } catch (cause) {
            return { ok: false, error: storeFailure(cause) };
          }
        }),
      );
      return confirmItems(results);
    },

    /**
     * The notification id is the job id, so a redelivery is a no-op. `duplicate` tells the
     * caller the id was already stored (kept 24 h after completion).
     */
    async enqueueWebhook(notification: WebhookNotification): Promise<WebhookEnqueueResult> {
      const jobId = webhookJobId(notification.id);
      const data: WebhookProcessJob = { notification, receivedAt: Date.now() };
      try {
        const { duplicate } = await addWebhook(jobId, data);
        // A duplicate too: its first copy may have been refused for want of replicas.
        await replicated();
        return { jobId, duplicate };
      } catch (cause) {
        throw storeFailure(cause);
      }
    },

    /** What became of a job (job-status.ts). */
    jobStatus: createJobStatus(queues, store),

    /** How the queues and Redis are doing (queue-health.ts). */
    ...createQueueHealth(queues, options.connection, store),

    close: () => queues.close(),
  };
}

export type Producer = ReturnType<typeof createProducer>;
