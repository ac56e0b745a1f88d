import type { WebhookProcessJob } from '@relay/jobs';
import { handleCompanyTopic } from '../webhooks/company-topics.ts';
import { handleContactTopic } from '../webhooks/contact-topics.ts';
import type { ProcessorDeps } from './deps.ts';

export type WebhookProcessResult = { topic: string; handled: boolean };

/** The topic families a handler exists for; anything else is counted as `other`. */
const FAMILIES = new Set(['ping', 'contact', 'company', 'conversation']);

/**
 * Routes a stored Intercom notification by topic family: `contact.*` and `company.*` keep
 * the id maps in step, `conversation.*` goes to the conversation sink, `ping` is
 * acknowledged. A topic no handler takes is counted (relay_webhook_topics_total), not failed:
 * Intercom adds topics, and failing would only dead-letter them.
 */
export async function webhookProcess(
  job: WebhookProcessJob,
  deps: ProcessorDeps,
): Promise<WebhookProcessResult> {
  const { topic, data } = job.notification;
  const family = topic.split('.')[0] ?? '';
  const item = data?.item;
  let handled = false;
  if (topic === 'ping') handled = true;
  else if (family === 'contact') handled = await handleContactTopic(topic, item, deps);
  else if (family === 'company') handled = await handleCompanyTopic(topic, item, deps);
  else if (family === 'conversation') {
    await deps.conversationSink.deliver(job.notification);
    handled = true;
  }
  deps.metrics?.webhookTopics.inc({
    family: FAMILIES.has(family) ? family : 'other',
    handled: String(handled),
  });
  return { topic, handled };
}
