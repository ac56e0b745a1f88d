/**
 * Benchmark 2, calls per change: a CRM feed over 1,000 contacts already in Intercom, where
 * 300 items are unchanged re-sends and 700 contacts each get 5 updates in a burst (3,800
 * items, in batches of 500 as the CRM pushes them). Figure: Intercom calls ÷ distinct changes
 * (700 contacts whose data changed), and calls spent on unchanged items.
 * Baseline in the same run: the usual approach, search by external_id then create or update,
 * per item, through the SDK. Target ≤ 1.05, and 0 calls for unchanged items.
 *
 *   node bench/calls-per-change.ts
 */
import { IntercomClient } from 'intercom-client';
import { machineLine } from './lib/machine.ts';
import { connectProducer, sleep, startBenchEnv, startRelayWorkers } from './lib/stack.ts';

const CONTACTS = 1_000;
const UNCHANGED = 300;
const BURST = 5;
const BATCH = 500;

type Item = { external_id: string; name: string; email: string };

const initial: Item[] = Array.from({ length: CONTACTS }, (_, i) => ({
  external_id: `crm-${i}`,
  name: `Customer ${i}`,
  email: `customer${i}@example.com`,
}));
const unchangedIds = new Set(initial.slice(0, UNCHANGED).map((item) => item.external_id));
const changedCount = CONTACTS - UNCHANGED;

/** Unchanged re-sends and bursts of updates, shuffled by contact, each burst kept together. */
function feed(): Item[] {
  const groups = initial.map((item) =>
    unchangedIds.has(item.external_id)
      ? [item]
      : Array.from({ length: BURST }, (_, v) => ({ ...item, name: `${item.name} v${v + 1}` })),
  );
  let seed = 42;
  const random = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  for (let i = groups.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [groups[i], groups[j]] = [groups[j] as Item[], groups[i] as Item[]];
  }
  return groups.flat();
}

const env = await startBenchEnv([
  '--rate-limit', '100000000', '--workspace-rate-limit', '100000000',
  '--journal-limit', '100000', '--latency-ms', '5', '--latency-max-ms', '30',
]); // biome-ignore format: flag/value pairs

/** What the journal's request bodies are read for: a search's query value. */
type SearchBody = { query?: { value?: unknown } } | null;

/** Calls made since the journal was reset, split into unchanged contacts' and the rest. */
async function countCalls() {
  const [journal, contacts] = await Promise.all([
    env.sim.journal<SearchBody>(),
    env.sim.contacts(),
  ]);
  const unchangedIntercomIds = new Set(
    contacts.contacts
      .filter((entry) => unchangedIds.has(entry.contact.external_id ?? ''))
      .map((entry) => entry.contact.id),
  );
  const api = journal.filter((entry) => !entry.path.startsWith('/__sim'));
  const onUnchanged = api.filter(
    (entry) =>
      [...unchangedIntercomIds].some((id) => entry.path.includes(id)) ||
      unchangedIds.has(String(entry.body?.query?.value)),
  ).length;
  const finalNames = new Map(contacts.contacts.map((e) => [e.contact.external_id, e.contact.name]));
  const wrong = initial.filter(
    (item) =>
      finalNames.get(item.external_id) !==
      (unchangedIds.has(item.external_id) ? item.name : `${item.name} v${BURST}`),
  ).length;
  return { total: api.length, onUnchanged, wrong };
}

async function relayRun() {
  const prefix = '{cpc-relay}';
  const { producer, close } = await connectProducer(env.redis.url, prefix);
  const [worker] = await startRelayWorkers(env, prefix, 1, {
    WORKER_CONCURRENCY: '10',
    WORKER_LANES: 'sync',
    INTERCOM_RATE_LIMIT_PER_10S: '100000000',
  });
  const push = async (items: Item[]) => {
    for (let start = 0; start < items.length; start += BATCH) {
      await producer.enqueueContactUpserts(items.slice(start, start + BATCH));
    }
  };
  const drained = async (expected: number) => {
    for (;;) {
      const { total_count } = await env.sim.contacts();
      const stats = await producer.jobCounts();
      const sync = stats.sync;
      const busy =
        (sync.waiting ?? 0) + (sync.active ?? 0) + (sync.delayed ?? 0) + (sync.prioritized ?? 0);
      if (total_count >= expected && busy === 0) return;
      await sleep(100);
    }
  };
  await push(initial); // setup: the contacts exist in Intercom and the relay knows them
  await drained(CONTACTS);
  await env.sim.control('DELETE', 'journal');
  await push(feed());
  await sleep(500);
  await drained(CONTACTS);
  await worker?.stop(10_000);
  await close();
  return countCalls();
}

async function baselineRun() {
  const sdk = new IntercomClient({ token: env.sim.token, baseUrl: env.sim.url, maxRetries: 0 });
  const upsert = async (item: Item) => {
    const found = await sdk.contacts.search({
      query: { field: 'external_id', operator: '=', value: item.external_id },
      pagination: { per_page: 1 },
    });
    const existing = found.data[0];
    if (existing)
      await sdk.contacts.update({ contact_id: existing.id, name: item.name, email: item.email });
    else await sdk.contacts.create(item);
  };
  const run = async (items: Item[]) => {
    // Per contact in order (as a per-item worker with the CRM's order would), 10 at a time.
    const byContact = new Map<string, Item[]>();
    for (const item of items)
      byContact.set(item.external_id, [...(byContact.get(item.external_id) ?? []), item]);
    const queue = [...byContact.values()];
    await Promise.all(
      Array.from({ length: 10 }, async () => {
        for (let group = queue.shift(); group; group = queue.shift()) {
          for (const item of group) await upsert(item);
        }
      }),
    );
  };
  await run(initial);
  await env.sim.control('DELETE', 'journal');
  await run(feed());
  return countCalls();
}

function line(name: string, calls: Awaited<ReturnType<typeof countCalls>>) {
  return `${name.padEnd(32)} ${String(calls.total).padStart(5)} calls for ${changedCount} changes → ${(calls.total / changedCount).toFixed(3)} per change | ${calls.onUnchanged} calls for ${UNCHANGED} unchanged items | wrong final state: ${calls.wrong}`;
}

try {
  await env.sim.control('POST', 'reset');
  const baseline = await baselineRun();
  await env.sim.control('POST', 'reset');
  const relay = await relayRun();
  const items = feed().length;
  console.log(
    `\ncalls per change — ${CONTACTS} contacts in Intercom; feed of ${items} items: ${UNCHANGED} unchanged re-sends, ${changedCount} contacts × ${BURST} updates in a burst`,
  );
  console.log(`machine: ${machineLine()}`);
  console.log(line('baseline (search, then write)', baseline));
  console.log(line('relay (id map, hash, coalescing)', relay));
  const perChange = relay.total / changedCount;
  const met = perChange <= 1.05 && relay.onUnchanged === 0 && relay.wrong === 0;
  console.log(
    `relay: ${perChange.toFixed(3)} calls per change (target ≤ 1.05), ${relay.onUnchanged} for unchanged items (target 0) ${met ? 'MET' : 'NOT MET'}`,
  );
} finally {
  await env.stop();
}
