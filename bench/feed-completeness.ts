/**
 * Feed benchmark 2, completeness: 2,000 Intercom-side changes (a teammate's edit of one lead
 * each, so every change is its own observable state) while the simulator loses 30 % of
 * notifications (both attempts) and holds back 10 % so later ones overtake them; the
 * reconciliation sweep runs every 5 s. The leads are made first, with no fault, and are on the
 * feed before the edits start. Figures: changes on the feed ÷ changes made (target 1.000,
 * each with the edit's values), no record's version going backwards, and the lag (the change's
 * timestamp − when the edit was made) p99 ≤ 1 s for edits whose notification was delivered and
 * ≤ one sweep interval + 5 s for those lost. Baseline in the same run: a feed without
 * reconciliation, i.e. the changes recorded from a webhook ÷ changes made.
 *
 *   node bench/feed-completeness.ts [changes, default 2000]
 */
import { type PulledChange, readFeed, startFeedRelay, waitWebhooksProcessed } from './lib/feed.ts';
import { machineLine } from './lib/machine.ts';
import { percentile, sleep } from './lib/stack.ts';

const CHANGES = Number(process.argv[2] ?? 2_000);
const SWEEP_MS = 5_000;
const DROP = 0.3;
const REORDER = 0.1;

const relay = await startFeedRelay({
  workers: 2,
  simArgs: ['--random-seed', '7', '--webhook-retry-delay-ms', '1000'],
  env: { WORKER_CONCURRENCY: '10', RECONCILE_EVERY_MS: String(SWEEP_MS) },
});
const sim = relay.sim;

/** Runs `task` over `items`, `width` at a time. */
async function inParallel<T>(items: T[], width: number, task: (item: T) => Promise<void>) {
  const queue = [...items];
  await Promise.all(
    Array.from({ length: width }, async () => {
      for (let item = queue.shift(); item !== undefined; item = queue.shift()) await task(item);
    }),
  );
}

type Edit = { id: string; name: string; madeAt: number; lost: boolean };

try {
  // Setup, no fault: the leads exist and the feed has recorded them.
  const leads: string[] = [];
  await inParallel([...Array(CHANGES).keys()], 10, async (i) => {
    leads.push((await sim.changes.createLead({ email: `lead${i}@example.com`, name: `L${i}` })).id);
  });
  await waitWebhooksProcessed(relay);
  await sleep(SWEEP_MS + 1_000); // a sweep passes over them: nothing new
  const setup = await readFeed(relay);
  const mark = setup.next ?? undefined;

  // The edits, one at a time: the simulator's `lost` count says which notification was lost.
  await sim.webhookFaults.set({ dropShare: DROP, reorderShare: REORDER });
  const edits: Edit[] = [];
  let lostSoFar = (await sim.stats()).webhooks.lost;
  const editsStarted = Date.now();
  for (const [i, id] of leads.entries()) {
    const madeAt = Date.now();
    const name = `L${i} edited`;
    await sim.changes.editContact(id, { name });
    const { lost } = (await sim.stats()).webhooks;
    edits.push({ id, name, madeAt, lost: lost > lostSoFar });
    lostSoFar = lost;
  }
  const editSeconds = (Date.now() - editsStarted) / 1000;
  await sim.webhookFaults.clear();

  // Until every edit is on the feed (or two minutes), then one more sweep for duplicates.
  const edited = new Set(leads);
  const deadline = Date.now() + 120_000;
  let after: PulledChange[] = [];
  for (;;) {
    after = (await readFeed(relay, mark)).changes;
    const seen = new Set(after.map((change) => change.data.intercom_id));
    if ([...edited].every((id) => seen.has(id)) || Date.now() > deadline) break;
    await sleep(1_000);
  }
  await waitWebhooksProcessed(relay);
  await sleep(SWEEP_MS + 2_000);
  after = (await readFeed(relay, mark)).changes;
  const all = [...setup.changes, ...after];
  const lostIds = (await sim.webhooks()).lostIds.length;

  // Each edit's change: exactly one, with the edit's values.
  const byId = new Map<string, PulledChange[]>();
  for (const change of after) {
    byId.set(change.data.intercom_id, [...(byId.get(change.data.intercom_id) ?? []), change]);
  }
  const lags = { delivered: [] as number[], lost: [] as number[] };
  let missing = 0;
  let wrongValues = 0;
  for (const edit of edits) {
    const change = byId.get(edit.id)?.[0];
    if (!change) {
      missing += 1;
      continue;
    }
    if (change.data.attributes?.name !== edit.name) wrongValues += 1;
    lags[edit.lost ? 'lost' : 'delivered'].push(Date.parse(change.timestamp) - edit.madeAt);
  }
  const extra = after.length - (edits.length - missing);
  let backwards = 0;
  const versions = new Map<string, number>();
  for (const change of all) {
    const version = change.data.version ?? 0;
    if (version <= (versions.get(change.data.intercom_id) ?? 0)) backwards += 1;
    versions.set(change.data.intercom_id, version);
  }
  const fromWebhooks = after.filter((change) => change.data.source === 'webhook').length;
  const lostCount = edits.filter((edit) => edit.lost).length;

  const ratio = after.length / CHANGES;
  const p99 = (values: number[]) => percentile(values, 99) / 1000;
  const max = (values: number[]) => Math.max(...values) / 1000;
  const lagLine = (values: number[]) =>
    `p50 ${(percentile(values, 50) / 1000).toFixed(2)} s, p99 ${p99(values).toFixed(2)} s, max ${max(values).toFixed(2)} s`;
  console.log(
    `\nfeed completeness — ${CHANGES} Intercom-side edits (one lead each) in ${editSeconds.toFixed(1)} s; ${DROP * 100} % of notifications lost, ${REORDER * 100} % reordered; sweep every ${SWEEP_MS / 1000} s; 2 worker processes × 10`,
  );
  console.log(`machine: ${machineLine()}`);
  console.log(
    `notifications lost: ${lostCount} of ${CHANGES} (the simulator's lostIds: ${lostIds}); setup: ${setup.changes.length} leads recorded first`,
  );
  console.log(
    `baseline (webhooks only, no sweep): ${fromWebhooks} ÷ ${CHANGES} changes → ${(fromWebhooks / CHANGES).toFixed(3)}`,
  );
  console.log(
    `feed (webhooks + sweep): ${after.length} ÷ ${CHANGES} changes → ${ratio.toFixed(3)} | missing ${missing}, extra (duplicates or other records) ${extra}, wrong final values ${wrongValues}, versions going backwards ${backwards} (of ${all.length} changes)`,
  );
  console.log(`lag, delivered notification (${lags.delivered.length}): ${lagLine(lags.delivered)}`);
  console.log(`lag, lost notification (${lags.lost.length}): ${lagLine(lags.lost)}`);
  const completeMet = after.length === CHANGES && missing === 0 && wrongValues === 0;
  const lagMet =
    p99(lags.delivered) <= 1 && (lags.lost.length === 0 || p99(lags.lost) <= SWEEP_MS / 1000 + 5);
  const met = completeMet && backwards === 0 && lagMet;
  console.log(
    `feed: ${ratio.toFixed(3)} of changes (target 1.000, final values), ${backwards} backwards (target 0), lag p99 ${p99(lags.delivered).toFixed(2)} s delivered (target ≤ 1 s) / ${p99(lags.lost).toFixed(2)} s lost (target ≤ ${SWEEP_MS / 1000 + 5} s) ${met ? 'MET' : 'NOT MET'}`,
  );
} finally {
  await relay.stop();
}
