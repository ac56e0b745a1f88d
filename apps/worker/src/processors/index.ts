import { type JobName, JobNames } from '@relay/jobs';
import { companyUpsert } from './company-upsert.ts';
import { contactErase } from './contact-erase.ts';
import { contactUpsert } from './contact-upsert.ts';
import type { ProcessorDeps } from './deps.ts';
import { eventTrack } from './event-track.ts';
import type { JobContext } from './job-context.ts';
import { webhookProcess } from './webhook-process.ts';

export type { ProcessorDeps } from './deps.ts';
export type { JobContext } from './job-context.ts';

export type Processor = (data: never, deps: ProcessorDeps, context: JobContext) => Promise<unknown>;

/** Every job name has exactly one processor; a new job name fails typecheck until it has one. */
export const processors = {
  [JobNames.contactUpsert]: contactUpsert,
  [JobNames.webhookProcess]: webhookProcess,
  [JobNames.eventTrack]: eventTrack,
  [JobNames.companyUpsert]: companyUpsert,
  [JobNames.contactErase]: contactErase,
} satisfies Record<JobName, Processor>;
