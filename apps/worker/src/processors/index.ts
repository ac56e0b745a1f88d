import { type JobName, JobNames, type WebhookProcessJob } from '@relay/jobs';
import type { RunContext as JobContext } from '@relay/sync';
import { articleCreate } from './article-create.ts';
import { companyUpsert } from './company-upsert.ts';
import { contactArchive } from './contact-archive.ts';
import { contactErase } from './contact-erase.ts';
import { contactMerge } from './contact-merge.ts';
import { contactUpsert } from './contact-upsert.ts';
import { contactsReconcile } from './contacts-reconcile.ts';
import { contactsWarm } from './contacts-warm.ts';
import { conversationAct } from './conversation-act.ts';
import type { ProcessorDeps } from './deps.ts';
import { eventTrack } from './event-track.ts';
import { webhookProcess } from './webhook-process.ts';

export type { RunContext as JobContext } from '@relay/sync';
export type { ProcessorDeps } from './deps.ts';

export type Processor = (data: never, deps: ProcessorDeps, context: JobContext) => Promise<unknown>;

/** Every job name has exactly one processor; a new job name fails typecheck until it has one. */
export const processors = {
  [JobNames.contactUpsert]: contactUpsert,
  [JobNames.webhookProcess]: webhookProcess,
  [JobNames.eventTrack]: eventTrack,
  [JobNames.companyUpsert]: companyUpsert,
  [JobNames.contactErase]: contactErase,
  [JobNames.contactsReconcile]: contactsReconcile,
  [JobNames.contactMerge]: contactMerge,
  [JobNames.contactArchive]: contactArchive,
  [JobNames.conversationAct]: conversationAct,
  [JobNames.articleCreate]: articleCreate,
  [JobNames.contactsWarm]: contactsWarm,
} satisfies Record<JobName, Processor>;

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
