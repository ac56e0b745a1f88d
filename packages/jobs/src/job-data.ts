import type { JobNames } from './queues.ts';
import type { ArticleCreateJob } from './schemas/article.ts';
import type { CompaniesReconcileJob, CompanyUpsertJob } from './schemas/company.ts';
import type {
  ContactArchiveJob,
  ContactEraseJob,
  ContactMergeJob,
  ContactsReconcileJob,
  ContactsWarmJob,
  ContactUpsertJob,
} from './schemas/contact.ts';
import type { ConversationActionJob } from './schemas/conversation.ts';
import type { EventTrackJob } from './schemas/event.ts';
import type { WebhookProcessJob } from './schemas/webhook.ts';

/** The data each job name carries: what the ingress stores and the worker's processor takes. */
export type JobDataOf = {
  [JobNames.contactUpsert]: ContactUpsertJob;
  [JobNames.webhookProcess]: WebhookProcessJob;
  [JobNames.eventTrack]: EventTrackJob;
  [JobNames.companyUpsert]: CompanyUpsertJob;
  [JobNames.contactErase]: ContactEraseJob;
  [JobNames.contactsReconcile]: ContactsReconcileJob;
  [JobNames.contactMerge]: ContactMergeJob;
  [JobNames.contactArchive]: ContactArchiveJob;
  [JobNames.conversationAct]: ConversationActionJob;
  [JobNames.articleCreate]: ArticleCreateJob;
  [JobNames.contactsWarm]: ContactsWarmJob;
  [JobNames.companiesReconcile]: CompaniesReconcileJob;
  [JobNames.changeDeliver]: ChangeDeliverJob;
};

/** A delivery of the change feed to the CRM: a record's slot and the job's number in it. */
export type ChangeDeliverJob = { record: string; seq: string };
