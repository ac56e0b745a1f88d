import { type LabelFilter, parsePrometheusText, sumSamples } from '@relay/telemetry';
import { crmApi, E2E_CRM_TOKEN, type UsedRelay, waitFor } from '@relay/testkit';
import { expect } from 'vitest';

export type FedChange = {
  cursor: string;
  type: string;
  data: Record<string, unknown> & {
    id: string;
    intercom_id: string;
    changed?: string[];
    version?: number;
    attributes?: Record<string, unknown>;
  };
};

/** The change feed and the CRM API of a test file's relay, and waiting for quiet. */
export function feedHelpers(relay: UsedRelay) {
  const crm = () => crmApi(relay.stack.ingressUrl, E2E_CRM_TOKEN);

  /** A metric's sum over every worker process (its series whose labels match `labels`). */
  async function workerCounter(name: string, labels: LabelFilter = {}): Promise<number> {
    let sum = 0;
    for (const url of relay.stack.workerMetricsUrls) {
      const text = await (await fetch(`${url}/metrics`)).text();
      sum += sumSamples(parsePrometheusText(text), name, labels);
    }
    return sum;
  }

  return {
    crm,
    workerCounter,
    async changes(after?: string): Promise<{ changes: FedChange[]; next: string | null }> {
      const query = after ? `&after=${after}` : '';
      const answer = await crm().call('GET', `/v1/changes?limit=1000${query}`);
      expect(answer.status).toBe(200);
      return answer.body;
    },
    /** Every notification the simulator sent has been processed by a worker. */
    async settled(): Promise<void> {
      await waitFor(
        async () => {
          const { webhooks } = await relay.sim.stats();
          const processed = await workerCounter('relay_webhook_topics_total');
          const quiet = webhooks.inFlight === 0 && webhooks.pendingRetries === 0;
          return quiet && webhooks.pendingReorders === 0 && processed >= webhooks.sent;
        },
        (done) => done,
        20_000,
      );
    },
    async push(contacts: Record<string, unknown>[]) {
      const answer = await crm().call('POST', '/v1/contacts', { contacts });
      expect(answer.status).toBe(202);
      const states = [];
      for (const item of answer.body.accepted) states.push(await crm().done(item.jobId));
      return states;
    },
  };
}
