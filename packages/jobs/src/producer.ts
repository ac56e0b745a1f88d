import type { AppError } from '@relay/errors';
import { Queue } from 'bullmq';
import { createBatchedAdd } from './batched-add.ts';
import type { RedisClient } from './connection.ts';
import { deadline } from './deadline.ts';
import { createErasureStore } from './erasure.ts';
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
} from './job-ids.ts';
import { DEFAULT_JOB_OPTIONS } from './job-options.ts';
import type { MemoryReading } from './memory-headroom.ts';
import { type JobName, JobNames, type Lane, QueueNames } from './queues.ts';
import { createPendingStore } from './record-keys.ts';
import { jobStoreFailure } from './redis-failure.ts';
import { readRedisMemory } from './redis-memory.ts';
import type { ArticleCreateJob, ArticleInput } from './schemas/article.ts';
import type { CompanyInput, CompanyUpsertJob } from './schemas/company.ts';
import type {
  ContactArchiveJob,
  ContactEraseJob,
  ContactInput,
  ContactMergeJob,
  ContactMergeRequest,
  ContactsWarmJob,
  ContactUpsertJob,
} from './schemas/contact.ts';
import type { ConversationActionJob } from './schemas/conversation.ts';
import type { EventInput, EventTrackJob } from './schemas/event.ts';
import type { WebhookNotification, WebhookProcessJob } from './schemas/webhook.ts';
import { createWriteCoalescing } from './write-coalescing.ts';

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
};

export type EnqueueItemResult = { ok: true; jobId: string } | { ok: false; error: AppError };

export type WebhookEnqueueResult = { jobId: string; duplicate: boolean };

/**
 * The ingress side of the queues. Every method resolves only once Redis has stored the job
 * (acknowledged means durable); it throws QUEUE_UNAVAILABLE when Redis cannot take it, and
 * INTERNAL when the store failed for any other reason.
 */
export function createProducer(options: ProducerOptions) {
  const storeTimeoutMs = options.storeTimeoutMs ?? 3_000;
  // Created up front: BullMQ waits for 'ready' when a queue first connects, without a timeout.
  const queues = new Map<Lane, Queue>(
    (Object.keys(QueueNames) as Lane[]).map((lane) => {
      const created = new Queue(QueueNames[lane], {
        connection: options.connection,
        prefix: options.prefix,
      });
      created.on('error', () => {}); // surfaced through the failing add() instead
      return [lane, created];
    }),
  );
  const queue = (lane: Lane) => queues.get(lane) as Queue;
  /** QUEUE_UNAVAILABLE when Redis cannot store (503, retry later), INTERNAL for anything else. */
  const storeFailure = (cause: unknown) =>
    jobStoreFailure(
      cause,
      options.connection,
      'the job store (Redis) cannot take jobs right now; retry later',
    );
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
  const erasures = createErasureStore(options.connection, options.prefix);
  const withDeadline = <T>(work: Promise<T>) => deadline(work, storeTimeoutMs);
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

  async function addOne(name: JobName, data: unknown, jobId: string, lane: Lane = 'sync') {
    try {
      await withDeadline(queue(lane).add(name, data, { ...DEFAULT_JOB_OPTIONS, jobId }));
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
    return Promise.all(
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

    /** The erasure audit trail, newest first. */
    async erasures(options: { externalId?: string; limit?: number }) {
      try {
        return await withDeadline(erasures.list(options));
      } catch (cause) {
        throw storeFailure(cause);
      }
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
      return Promise.all(
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
        return { jobId, duplicate };
      } catch (cause) {
        throw storeFailure(cause);
      }
    },

    /** Jobs per state in every lane's queue (for the relay_queue_jobs gauge and dashboards). */
    async jobCounts(): Promise<Record<Lane, Record<string, number>>> {
      const lanes = Object.keys(QueueNames) as Lane[];
      const counts = await Promise.all(
        lanes.map((lane) =>
          withDeadline(
            queue(lane).getJobCounts(
              'waiting',
              'active',
              'delayed',
              'prioritized',
              'failed',
              'completed',
            ),
          ),
        ),
      );
      return Object.fromEntries(lanes.map((lane, i) => [lane, counts[i] ?? {}])) as Record<
        Lane,
        Record<string, number>
      >;
    },

    /**
     * What became of a job, in whichever lane holds it: state, attempts, and the result
     * (Intercom id, action) or the last error (code, message, request_id). Never the job's
     * data: it holds the contact's personal data. Undefined when no lane has the id.
     */
    async jobStatus(jobId: string): Promise<JobStatus | undefined> {
      try {
        for (const lane of Object.keys(QueueNames) as Lane[]) {
          // State first: a job read before the state could finish in between and be reported
          // completed without the result it finished with.
          const state = await withDeadline(queue(lane).getJobState(jobId));
          if (state === 'unknown') continue;
          const job = await withDeadline(queue(lane).getJob(jobId));
          if (!job) continue;
          return {
            id: jobId,
            lane,
            name: job.name,
            state,
            attempts: job.attemptsMade,
            createdAt: new Date(job.timestamp).toISOString(),
            ...(job.processedOn ? { startedAt: new Date(job.processedOn).toISOString() } : {}),
            ...(job.finishedOn ? { finishedAt: new Date(job.finishedOn).toISOString() } : {}),
            ...(state === 'completed' ? { result: job.returnvalue ?? null } : {}),
            ...(job.failedReason ? { error: parseFailedReason(job.failedReason) } : {}),
          };
        }
        return undefined;
      } catch (cause) {
        throw storeFailure(cause);
      }
    },

    /** Per lane, the age (ms) of the oldest job waiting to run, 0 when none waits. */
    async oldestWaitingAgeMs(): Promise<Record<Lane, number>> {
      const lanes = Object.keys(QueueNames) as Lane[];
      const now = Date.now();
      const ages = await Promise.all(
        lanes.map(async (lane) => {
          const [oldest] = await withDeadline(
            queue(lane).getJobs(['wait', 'prioritized'], 0, 0, true),
          );
          return oldest ? Math.max(now - oldest.timestamp, 0) : 0;
        }),
      );
      return Object.fromEntries(lanes.map((lane, i) => [lane, ages[i] ?? 0])) as Record<
        Lane,
        number
      >;
    },

    /** Round-trips to Redis; throws QUEUE_UNAVAILABLE when it does not answer. */
    async ping(): Promise<number> {
      const started = performance.now();
      try {
        await withDeadline(options.connection.ping());
      } catch (cause) {
        throw storeFailure(cause);
      }
      return performance.now() - started;
    },

    /** Per lane, whether its queue is paused (for everyone: BullMQ's global pause). */
    async pausedLanes(): Promise<Record<Lane, boolean>> {
      const lanes = Object.keys(QueueNames) as Lane[];
      const paused = await Promise.all(lanes.map((lane) => withDeadline(queue(lane).isPaused())));
      return Object.fromEntries(lanes.map((lane, i) => [lane, paused[i] === true])) as Record<
        Lane,
        boolean
      >;
    },

    /**
     * Redis memory use (INFO memory; on a cluster the fullest master's); maxBytes 0 when Redis
     * has no maxmemory.
     */
    async memory(): Promise<MemoryReading> {
      try {
        return await withDeadline(readRedisMemory(options.connection));
      } catch (cause) {
        throw storeFailure(cause);
      }
    },

    async close(): Promise<void> {
      await Promise.all([...queues.values()].map((q) => q.close()));
    },
  };
}

export type Producer = ReturnType<typeof createProducer>;

export type JobStatus = {
  id: string;
  lane: Lane;
  name: string;
  /** waiting, active, delayed, prioritized, completed, failed (dead letter) … */
  state: string;
  attempts: number;
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
  result?: unknown;
  /** The last error: a failed job's cause, or a retrying job's latest one. */
  error?: {
    code: string;
    message: string;
    retryable?: boolean;
    requestId?: string;
    status?: number;
  };
};

/** Workers store errors as AppError JSON; anything else (BullMQ's own reasons) as a message. */
export function parseFailedReason(reason: string): NonNullable<JobStatus['error']> {
  try {
    const parsed = JSON.parse(reason) as NonNullable<JobStatus['error']>;
    if (typeof parsed.code === 'string' && typeof parsed.message === 'string') return parsed;
  } catch {}
  return { code: 'INTERNAL', message: reason };
}
