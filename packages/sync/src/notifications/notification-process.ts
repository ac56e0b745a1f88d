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
 * directory in step, `company.*` the company id map, `ping` is acknowledged; then the change
 * feed records what it says (contacts, companies, and `conversation.*` as they came). A topic no handler takes is reported
 * (`handled: false`), not failed: Intercom adds topics, and failing would only dead-letter them.
 */
export async function notificationProcess(
  job: WebhookProcessJob,
  deps: NotificationProcessDeps,
): Promise<NotificationProcessResult> {
  const { topic, data } = job.notification;
  const family = topic.split('.')[0] ?? '';
  const item = data?.item;
  let handled = false;
  if (topic === 'ping') handled = true;
  else if (family === 'contact') handled = await handleContactTopic(topic, item, deps);
  else if (family === 'company') handled = await handleCompanyTopic(topic, item, deps);
  // Conversation notifications reach the CRM on the change feed, as they came.
  else if (family === 'conversation') handled = true;
  const feed = deps.feed ? await feedTopic(job.notification, deps.feed) : [];
  return { topic, family: FAMILIES.has(family) ? family : 'other', handled, feed };
}
