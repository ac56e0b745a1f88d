import type { WebhookProcessJob } from '@relay/jobs';

export type WebhookProcessResult = { topic: string; handled: boolean };

/**
 * Routes a stored Intercom notification by topic. `ping` is acknowledged; the topic handlers
 * (cache refresh, id map, conversation sink) arrive with the sync domain.
 */
export async function webhookProcess(job: WebhookProcessJob): Promise<WebhookProcessResult> {
  const { topic } = job.notification;
  return { topic, handled: topic === 'ping' };
}
