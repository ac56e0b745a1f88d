import { type crmApi, type JobStatusAnswer, type SimulatorClient, waitFor } from '@relay/testkit';
import { expect } from 'vitest';

/**
 * What a full-stack test looks at besides the relay's answers: the simulator's journal of
 * API calls, its webhook deliveries and the relay's jobs for them, and Prometheus samples.
 */
export type WebhookJob = JobStatusAnswer & { topic: string; notificationId: string };

export function createSimProbes(sim: SimulatorClient, crm: ReturnType<typeof crmApi>) {
  const deliveries = async () => (await sim.webhooks()).deliveries;

  return {
    /** The simulator's API calls after `since` (a journal seq from `journalMark`). */
    journal: (since = 0) => sim.journal(since),
    journalMark: () => sim.journalMark(),
    /** How many webhook deliveries the simulator has made (for `webhookJobsSince`). */
    deliveryMark: async () => (await deliveries()).length,
    /**
     * Waits until the simulator has delivered a `topic` notification after `mark`, then until
     * the relay's job for every notification delivered since is done; returns those jobs.
     */
    async webhookJobsSince(mark: number, topic: string): Promise<WebhookJob[]> {
      const sent = await waitFor(
        deliveries,
        (list) => list.slice(mark).some((entry) => entry.ok && entry.topic === topic),
        15_000,
      );
      const jobs: WebhookJob[] = [];
      for (const { notificationId, topic: sentTopic, ok } of sent.slice(mark)) {
        if (!ok) continue;
        const status = await crm.done(`webhook-${notificationId}`);
        jobs.push({ ...status, topic: sentTopic, notificationId });
      }
      return jobs;
    },
  };
}

/** One sample from a process's /metrics (the first whose labels include `labels`), 0 if absent. */
export async function metricSample(
  baseUrl: string,
  name: string,
  labels: Record<string, string>,
): Promise<number> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  const line = text
    .split('\n')
    .find((row) => row.startsWith(`${name}{`) && wanted.every((label) => row.includes(label)));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}

/**
 * Waits until every notification the simulator emitted was delivered to the ingress and its
 * webhook job completed, so what the webhooks do has been done.
 */
export async function webhooksSettled(
  sim: SimulatorClient,
  crm: ReturnType<typeof crmApi>,
): Promise<void> {
  const view = await waitFor(
    () => sim.webhooks(),
    (v) => v.inFlight === 0 && v.pendingRetries === 0 && v.deliveries.length === v.emitted,
    20_000,
  );
  expect(view.deliveries.every((delivery) => delivery.ok)).toBe(true);
  for (const { notificationId } of view.deliveries) {
    expect((await crm.done(`webhook-${notificationId}`)).state).toBe('completed');
  }
}
