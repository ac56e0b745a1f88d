import type { ContactItem, SignedWebhook } from './feeds.ts';

type PushResult = {
  accepted: number;
  rejected: number;
  statuses: Record<string, number>;
  /** Distinct jobs carrying the accepted items (updates to one contact share a job). */
  jobIds: Set<string>;
};

/** Pushes contacts to POST /v1/contacts in batches, a few batches in flight. */
export async function pushContacts(
  ingressUrl: string,
  token: string,
  contacts: ContactItem[],
  batchSize = 500,
) {
  const result: PushResult = { accepted: 0, rejected: 0, statuses: {}, jobIds: new Set() };
  const batches: ContactItem[][] = [];
  for (let i = 0; i < contacts.length; i += batchSize)
    batches.push(contacts.slice(i, i + batchSize));
  await inParallel(batches, 3, async (batch) => {
    const response = await fetch(`${ingressUrl}/v1/contacts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ contacts: batch }),
    });
    result.statuses[response.status] = (result.statuses[response.status] ?? 0) + 1;
    if (response.status !== 202) return;
    const body = (await response.json()) as { accepted: { jobId: string }[]; rejected: unknown[] };
    result.accepted += body.accepted.length;
    for (const item of body.accepted) result.jobIds.add(item.jobId);
    result.rejected += body.rejected.length;
  });
  return result;
}

/** Delivers webhooks as Intercom does: concurrently, each with its signature. */
export async function sendWebhooks(ingressUrl: string, webhooks: SignedWebhook[]) {
  const outcomes: Record<string, number> = {};
  await inParallel(webhooks, 20, async (webhook) => {
    const response = await fetch(`${ingressUrl}/webhooks/intercom`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-hub-signature': webhook.signature,
        'user-agent': 'intercom-parrot-service-client/1.0',
      },
      body: webhook.body,
    });
    const body = (await response.json().catch(() => ({}))) as { status?: string };
    const outcome = response.status === 200 ? (body.status ?? 'ok') : String(response.status);
    outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
  });
  return outcomes;
}

async function inParallel<T>(items: T[], width: number, work: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length) {
        const item = items[next++] as T;
        await work(item);
      }
    }),
  );
}
