import type { FeedExtras } from '../feed/feed-extras.ts';
import type { FeedLookups } from '../feed/feed-lookups.ts';
import type { FeedOutcome, FeedRecorder } from '../feed/feed-recorder.ts';
import { refOf } from './item.ts';

export type NotificationFeed = {
  recorder: FeedRecorder;
  extras: FeedExtras;
  lookups: FeedLookups;
};

type Item = Record<string, unknown> & { id: string };
type Notification = {
  id: string;
  topic: string;
  created_at?: number | undefined;
  data?: { item?: unknown } | undefined;
};

const CONTACT_STATE = /^contact\.(user|lead)\.(created|updated|signed_up)$/;

function withId(value: unknown): Item | undefined {
  const ref = refOf(value);
  return ref.id ? (value as Item) : undefined;
}

/**
 * What a notification means for the change feed (Intercom → CRM). Intercom says what the
 * object is now, not what changed or who changed it: the recorder compares. A topic about a
 * tag or a company's members carries the contact as it is now, compared like an update.
 */
export async function feedTopic(
  notification: Notification,
  feed: NotificationFeed,
): Promise<FeedOutcome[]> {
  const { topic } = notification;
  const item = (notification.data?.item ?? {}) as Record<string, unknown>;
  const at = notification.created_at ?? 0;
  const { recorder } = feed;
  if (topic.startsWith('conversation.')) {
    await feed.extras.conversation(notification);
    return [];
  }
  if (CONTACT_STATE.test(topic)) {
    const contact = withId(item);
    return contact ? [await recorder.contact(contact, 'webhook', topic.endsWith('.created'))] : [];
  }
  const ref = refOf(item);
  switch (topic) {
    case 'contact.deleted':
      return ref.id ? [await recorder.contactDeleted({ ...ref, id: ref.id }, at)] : [];
    case 'contact.archived':
      return ref.id ? [await recorder.contactArchived({ ...ref, id: ref.id }, at)] : [];
    case 'contact.merged': {
      const from = refOf(item.merged_from);
      const survivor = withId(item);
      const outcomes: FeedOutcome[] = [];
      if (from.id && survivor) {
        outcomes.push(await recorder.contactMerged({ ...from, id: from.id }, survivor, at));
      }
      if (survivor) outcomes.push(await recorder.contact(survivor, 'webhook'));
      return outcomes;
    }
    case 'contact.tag.created':
    case 'contact.tag.deleted':
    case 'company.contact.attached':
    case 'company.contact.detached': {
      await learnNames(item, feed.lookups);
      const contact = withId(item.contact);
      return contact ? [await recorder.contact(contact, 'webhook')] : [];
    }
    case 'company.created':
    case 'company.updated': {
      const company = withId(item);
      return company
        ? [await recorder.company(company, 'webhook', topic === 'company.created')]
        : [];
    }
    case 'company.deleted':
      return ref.id ? [await recorder.companyDeleted({ ...ref, id: ref.id }, at)] : [];
    default:
      return [];
  }
}

/** A tag's name and a company's company_id come with these topics: no lookup needed later. */
async function learnNames(item: Record<string, unknown>, lookups: FeedLookups) {
  const tag = item.tag as { id?: unknown; name?: unknown } | undefined;
  if (typeof tag?.id === 'string' && typeof tag.name === 'string') {
    await lookups.rememberTag(tag.id, tag.name);
  }
  const company = refOf(item.company);
  if (company.id && company.company_id) {
    await lookups.rememberCompany(company.id, company.company_id);
  }
}
