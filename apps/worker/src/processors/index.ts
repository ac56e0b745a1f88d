import { AppError } from '@relay/errors';
import type { IntercomClient } from '@relay/intercom';
import { type JobDataOf, type JobName, JobNames, type WebhookProcessJob } from '@relay/jobs';
import {
  articleCreate,
  type CompanyState,
  type ContactDirectory,
  type ContactState,
  companiesReconcile,
  companyUpsert,
  contactArchive,
  contactErase,
  contactMerge,
  contactsReconcile,
  contactsWarm,
  contactUpsert,
  conversationAct,
  type ErasureAudit,
  eventTrack,
  type Feed,
  notificationProcess,
  type Push,
  type ReconcileMarks,
  type RunContext,
} from '@relay/sync';
import type { Metrics } from '@relay/telemetry';

/** What the worker holds for the sync services; each job's adapter passes on what it needs. */
export type WorkerServices = {
  /** The lane's client, fenced by the job runner for each run. */
  intercom: IntercomClient;
  contacts: ContactState;
  companies: CompanyState;
  directory: ContactDirectory;
  reconcileMarks: ReconcileMarks;
  /** The change feed: what Intercom notifications say, and the relay's own writes. */
  feed?: Feed | undefined;
  /** The feed pushed to the CRM's endpoint (CRM_WEBHOOK_URL), when set. */
  push?: Push | undefined;
  /** REDIS_ACK_REPLICAS: resolves once the replicas hold what was written (a write mark). */
  confirmMark?: (() => Promise<void>) | undefined;
  removeQueuedJobs: (externalId: string) => Promise<number>;
  recordErasure: (entry: ErasureAudit) => Promise<void>;
  metrics?: Metrics | undefined;
};

/** A processor per job name, taking that job's data. */
type Processors = {
  [Name in JobName]: (
    data: JobDataOf[Name],
    services: WorkerServices,
    context: RunContext,
  ) => Promise<unknown>;
};

/**
 * Every job name has exactly one processor, a one-line adapter to its sync service with just
 * the collaborators it uses; a new job name fails typecheck until it has one.
 */
export const processors = {
  [JobNames.contactUpsert]: (
    job,
    { intercom, contacts, companies, directory, feed, confirmMark },
    context,
  ) =>
    contactUpsert(
      job,
      { intercom, contacts, companies, directory, feedWrites: feed?.writes, confirmMark },
      context,
    ),
  [JobNames.webhookProcess]: (job, s) => processNotification(job, s),
  [JobNames.eventTrack]: (job, { intercom }) => eventTrack(job, { intercom }),
  [JobNames.companyUpsert]: (job, { intercom, companies, feed, confirmMark }, context) =>
    companyUpsert(job, { intercom, companies, feedWrites: feed?.writes, confirmMark }, context),
  [JobNames.contactErase]: (job, s, context) =>
    contactErase(
      job,
      {
        intercom: s.intercom,
        contacts: s.contacts,
        directory: s.directory,
        removeQueuedJobs: s.removeQueuedJobs,
        recordErasure: s.recordErasure,
        feedErase: s.feed?.extras.erase,
      },
      context,
    ),
  [JobNames.contactsReconcile]: (job, { intercom, directory, reconcileMarks, feed }) =>
    contactsReconcile(job, { intercom, directory, reconcileMarks, feed: feed?.recorder }),
  [JobNames.contactMerge]: (job, { intercom, contacts, directory, feed }, context) =>
    contactMerge(job, { intercom, contacts, directory, feedWrites: feed?.writes }, context),
  [JobNames.contactArchive]: (job, { intercom, directory, feed }) =>
    contactArchive(job, { intercom, directory, feedWrites: feed?.writes }),
  [JobNames.conversationAct]: (job, { intercom }, context) =>
    conversationAct(job, { intercom }, context),
  [JobNames.articleCreate]: (job, { intercom }, context) =>
    articleCreate(job, { intercom }, context),
  [JobNames.contactsWarm]: (job, { intercom, directory }) =>
    contactsWarm(job, { intercom, directory }),
  [JobNames.companiesReconcile]: (job, { intercom, companies, reconcileMarks, feed }) =>
    companiesReconcile(job, { intercom, companies, reconcileMarks, feed }),
  [JobNames.changeDeliver]: (job, { push }, context) => deliverChange(job, push, context),
} satisfies Processors;

/** A delivery job with no push configured here (CRM_WEBHOOK_URL unset on this worker) waits. */
function deliverChange(
  job: JobDataOf['change.deliver'],
  push: Push | undefined,
  context: RunContext,
) {
  if (!push) {
    throw new AppError('CRM_ENDPOINT_DISABLED', 'CRM_WEBHOOK_URL is not set on this worker');
  }
  return push.deliver(job, context.attempt);
}

/** The job's result is the topic and whether a handler took it; its family is counted. */
async function processNotification(job: WebhookProcessJob, s: WorkerServices) {
  const { directory, companies, feed } = s;
  const { family, ...result } = await notificationProcess(job, {
    directory,
    companies,
    feed,
  });
  s.metrics?.webhookTopics.inc({ family, handled: String(result.handled) });
  const { feed: fed, ...rest } = result;
  // What the feed made of it, in the job's result (e.g. "change:contact.updated", "echo").
  if (fed.length === 0) return rest;
  return { ...rest, feed: fed.map(({ outcome, type }) => (type ? `${outcome}:${type}` : outcome)) };
}

/**
 * What a completed job keeps of its data, for jobs whose data holds personal data nothing
 * else needs once they are done (the job stays 24 h for deduplication). A webhook
 * notification's item (a contact's email, name …) goes; its id and topic stay.
 */
export const redactWhenDone: Partial<Record<string, (data: unknown) => unknown>> = {
  [JobNames.webhookProcess]: (data) => {
    const { notification, receivedAt } = data as WebhookProcessJob;
    return {
      receivedAt,
      notification: {
        type: notification.type,
        id: notification.id,
        topic: notification.topic,
        app_id: notification.app_id,
        created_at: notification.created_at,
        redacted: true,
      },
    };
  },
};
