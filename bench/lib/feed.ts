import { type LabelFilter, parsePrometheusText, sumSamples } from '@relay/telemetry';
import {
  crmApi,
  E2E_CRM_TOKEN,
  type RelayWithSimulator,
  startRelayWithSimulator,
} from '@relay/testkit';
import { sleep } from './stack.ts';

/** A change as `GET /v1/changes` answers it (the fields the feed benchmarks read). */
export type PulledChange = {
  cursor: string;
  type: string;
  timestamp: string;
  data: {
    id: string;
    intercom_id: string;
    version?: number;
    source?: string;
    attributes?: Record<string, unknown>;
  };
};

/** Simulator and relay rate limits out of the way: the feed benchmarks do not measure them. */
const UNLIMITED_SIM = ['--rate-limit', '100000000', '--workspace-rate-limit', '100000000'];

/**
 * The whole relay (Redis, ingress, `workers` worker processes) against the simulator, which
 * sends every notification back to the ingress (testkit's startRelayWithSimulator).
 */
export async function startFeedRelay(options: {
  workers: number;
  simArgs?: string[];
  env?: Record<string, string>;
}): Promise<RelayWithSimulator> {
  return startRelayWithSimulator({
    workers: options.workers,
    simArgs: [...UNLIMITED_SIM, '--journal-limit', '1', ...(options.simArgs ?? [])],
    env: {
      LOG_LEVEL: 'warn',
      INTERCOM_RATE_LIMIT_PER_10S: '100000000',
      INTERCOM_WORKSPACE_RATE_LIMIT_PER_10S: '100000000',
      ...options.env,
    },
  });
}

/** A metric's sum over every worker process (its series whose labels match `labels`). */
export async function workerCounter(
  relay: RelayWithSimulator,
  name: string,
  labels: LabelFilter = {},
): Promise<number> {
  let sum = 0;
  for (const url of relay.stack.workerMetricsUrls) {
    const text = await (await fetch(`${url}/metrics`)).text();
    sum += sumSamples(parsePrometheusText(text), name, labels);
  }
  return sum;
}

/**
 * Waits until every notification the simulator sent has been processed by a worker: nothing in
 * flight, no retry or held-back one pending, and the workers' relay_webhook_topics_total at
 * least the simulator's `sent`. Returns those counts.
 */
export async function waitWebhooksProcessed(relay: RelayWithSimulator, timeoutMs = 300_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { webhooks } = await relay.sim.stats();
    const processed = await workerCounter(relay, 'relay_webhook_topics_total');
    const quiet =
      webhooks.inFlight === 0 && webhooks.pendingRetries === 0 && webhooks.pendingReorders === 0;
    if (quiet && processed >= webhooks.sent) return { webhooks, processed };
    if (Date.now() > deadline) {
      throw new Error(
        `webhooks not processed after ${timeoutMs} ms: sent ${webhooks.sent}, processed ${processed}, in flight ${webhooks.inFlight}, retries ${webhooks.pendingRetries}`,
      );
    }
    await sleep(250);
  }
}

/** Every change on the feed after `after` (all of them without), through GET /v1/changes. */
export async function readFeed(relay: RelayWithSimulator, after?: string) {
  const crm = crmApi(relay.stack.ingressUrl, E2E_CRM_TOKEN);
  const changes: PulledChange[] = [];
  let cursor = after;
  for (;;) {
    const query = cursor ? `&after=${cursor}` : '';
    const answer = await crm.call('GET', `/v1/changes?limit=1000${query}`);
    if (answer.status !== 200) throw new Error(`GET /v1/changes answered ${answer.status}`);
    const page = answer.body as { changes: PulledChange[]; next: string | null };
    changes.push(...page.changes);
    if (page.changes.length < 1000) return { changes, next: page.next ?? cursor };
    cursor = page.next ?? undefined;
  }
}

/** Pushes contacts to the CRM API in batches; refused batches and items are pushed again. */
export async function pushContacts(
  relay: RelayWithSimulator,
  contacts: Record<string, unknown>[],
  batch = 500,
): Promise<void> {
  const crm = crmApi(relay.stack.ingressUrl, E2E_CRM_TOKEN);
  for (let start = 0; start < contacts.length; start += batch) {
    let pending = contacts.slice(start, start + batch);
    for (let attempt = 1; pending.length > 0; attempt += 1) {
      if (attempt > 10) throw new Error(`POST /v1/contacts: ${pending.length} items refused`);
      const answer = await crm.call('POST', '/v1/contacts', { contacts: pending });
      if (answer.status === 202) {
        const { rejected } = answer.body as { rejected: { index: number }[] };
        pending = rejected.flatMap(({ index }) => (pending[index] ? [pending[index]] : []));
      }
      if (pending.length > 0) await sleep(1_000);
    }
  }
}

/** Successful write calls the simulated Intercom received (creates, updates…; not searches). */
export async function intercomWrites(relay: RelayWithSimulator): Promise<number> {
  const { calls } = await relay.sim.stats();
  let writes = 0;
  for (const [endpoint, byStatus] of Object.entries(calls)) {
    const [method = '', route = ''] = endpoint.split(' ');
    if (method === 'GET' || route.endsWith('/search') || route.startsWith('/__sim')) continue;
    for (const [status, count] of Object.entries(byStatus)) {
      if (status.startsWith('2')) writes += count;
    }
  }
  return writes;
}
