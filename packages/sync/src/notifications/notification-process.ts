import type { WebhookProcessJob } from '@relay/jobs';
import type { ContactDirectory } from '../contacts/contact-directory.ts';
import type { FeedOutcome } from '../feed/feed-recorder.ts';
import type { CompanyState } from '../records/record-state.ts';
import { handleCompanyTopic } from './company-topics.ts';
import { handleContactTopic } from './contact-topics.ts';
import { feedTopic, type NotificationFeed } from './feed-topics.ts';

export type NotificationProcessDeps = {
  directory: ContactDirectory;
  companies: CompanyState;
  /** The change feed (Intercom → CRM); without it nothing is recorded. */
  feed?: NotificationFeed | undefined;
};

/** `family` is the topic's first part when a handler exists for it, else `other`. */
export type NotificationProcessResult = {
  topic: string;
  family: string;
  handled: boolean;
  /** What the change feed recorded of it. */
  feed: FeedOutcome[];
};

/** The topic families a handler exists for; anything else is counted as `other`. */
const FAMILIES = new Set(['ping', 'contact', 'company', 'conversation']);

/**
 * Routes a stored Intercom notification by topic family: `contact.*` keeps the contact
 * directory in step, `company.*` the company id map, `ping` is acknowledged. The change feed
 * records what it says at the same time (contacts, companies, and `conversation.*` as they
 * came): the two touch different keys, so their Redis round trips overlap. A topic no handler
 * takes is reported (`handled: false`), not failed: Intercom adds topics, and failing would
 * only dead-letter them.
 */
export async function notificationProcess(
  job: WebhookProcessJob,
  deps: NotificationProcessDeps,
): Promise<NotificationProcessResult> {
  const { topic } = job.notification;
  const family = topic.split('.')[0] ?? '';
  const [handled, feed] = await Promise.all([
    handle(topic, family, job.notification.data?.item, deps),
    deps.feed ? feedTopic(job.notification, deps.feed) : [],
  ]);
  return { topic, family: FAMILIES.has(family) ? family : 'other', handled, feed };
}

async function handle(
  topic: string,
  family: string,
  item: unknown,
  deps: NotificationProcessDeps,
): Promise<boolean> {
  if (topic === 'ping') return true;
  if (family === 'contact') return handleContactTopic(topic, item, deps);
  if (family === 'company') return handleCompanyTopic(topic, item, deps);
  // Conversation notifications reach the CRM on the change feed, as they came.
  return family === 'conversation';
}
