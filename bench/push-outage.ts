/**
 * Push benchmark 2, an outage of the CRM: the whole relay (two worker processes, the ingress,
 * the simulator sending every notification) pushing to a CRM receiver process
 * (bench/lib/crm-receiver-process.ts, which keeps what it took, per record). 1,000 leads are
 * made in Intercom and delivered; then the receiver answers 503 while a teammate edits each
 * lead 5 times (5,000 Intercom-side changes, a second apart per lead), and for a while after;
 * then it answers 204 again. The retry schedule is compressed (1s,2s,5s,10s,20s,30s,60s: seven
 * attempts in about two minutes, less than the outage lasts with its drain).
 * Targets: 0 changes lost (each record's final state delivered), 0 version regressions at the
 * receiver, deliveries after recovery ≤ records changed (coalescing), no dead letter; and the
 * time to drain, printed.
 *
 *   node bench/push-outage.ts [records, default 1000] [edits per record, default 5]
 */
import { join } from 'node:path';
import { REPO_ROOT, startNodeProcess } from '@relay/testkit';
import { startFeedRelay, waitWebhooksProcessed, workerCounter } from './lib/feed.ts';
import { machineLine } from './lib/machine.ts';
import { sleep } from './lib/stack.ts';

const RECORDS = Number(process.argv[2] ?? 1_000);
const EDITS = Number(process.argv[3] ?? 5);
const SECRET = `whsec_${Buffer.alloc(32, 13).toString('base64')}`;
const OUTAGE_AFTER_EDITS_MS = 15_000;

type Stats = {
  received: number;
  ok: number;
  records: Record<string, { v: number; name: unknown }[]>;
};

const receiver = await startNodeProcess<number>({
  script: join(REPO_ROOT, 'bench/lib/crm-receiver-process.ts'),
  env: { RECEIVER_KEEP: '1' },
  readyWhen: (_line, json) => (json?.event === 'ready' ? Number(json.port) : undefined),
});
const receiverUrl = `http://127.0.0.1:${receiver.ready}`;
const stats = async () => (await (await fetch(`${receiverUrl}/__stats`)).json()) as Stats;
const answer = (status: number) =>
  fetch(`${receiverUrl}/__answer`, { method: 'POST', body: JSON.stringify({ status }) });

const relay = await startFeedRelay({
  workers: 2,
  env: {
    RECONCILE_EVERY_MS: '0',
    CRM_WEBHOOK_URL: `${receiverUrl}/hooks`,
    CRM_WEBHOOK_SECRET: SECRET,
    CRM_WEBHOOK_RETRY_SCHEDULE: '1s,2s,5s,10s,20s,30s,60s',
  },
});

async function waitFor(what: string, done: (s: Stats) => boolean, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const now = await stats();
    if (done(now)) return now;
    if (Date.now() > deadline) throw new Error(`${what}: not after ${timeoutMs} ms`);
    await sleep(200);
  }
}

try {
  const leads: string[] = [];
  for (let i = 0; i < RECORDS; i += 1) {
    leads.push((await relay.sim.changes.createLead({ name: `L${i} v0` })).id);
  }
  await waitFor('the leads delivered', (s) => leads.every((id) => s.records[id]?.length), 120_000);
  await sleep(1_100);

  await answer(503);
  const outageStarted = performance.now();
  const before = await stats();
  for (let v = 1; v <= EDITS; v += 1) {
    const round = performance.now();
    for (const [i, id] of leads.entries()) {
      await relay.sim.changes.editContact(id, { name: `L${i} v${v}` });
    }
    const left = 1_100 - (performance.now() - round);
    if (left > 0) await sleep(left); // each lead's next state a second later (updated_at)
  }
  await waitWebhooksProcessed(relay);
  await sleep(OUTAGE_AFTER_EDITS_MS);
  const duringOutage = await stats();
  const outageMs = performance.now() - outageStarted;

  await answer(204);
  const recovered = performance.now();
  const finalName = (i: number) => `L${i} v${EDITS}`;
  const drained = await waitFor(
    'every final state delivered',
    (s) => leads.every((id, i) => s.records[id]?.at(-1)?.name === finalName(i)),
    600_000,
  );
  const drainMs = performance.now() - recovered;
  await sleep(3_000); // anything still coming would show
  const after = await stats();

  let regressions = 0;
  let lost = 0;
  for (const [i, id] of leads.entries()) {
    const list = after.records[id] ?? [];
    for (let k = 1; k < list.length; k += 1) {
      if ((list[k]?.v ?? 0) < (list[k - 1]?.v ?? 0)) regressions += 1;
    }
    if (list.at(-1)?.name !== finalName(i)) lost += 1;
  }
  const afterRecovery = after.ok - duringOutage.ok;
  const dead = await workerCounter(relay, 'relay_crm_deliveries_total', { outcome: 'dead' });
  const refused = duringOutage.received - before.received;
  console.log(
    `\npush outage — ${RECORDS} records, ${RECORDS * EDITS} Intercom-side changes while the CRM answered 503 for ${(outageMs / 1000).toFixed(0)} s; 2 worker processes; schedule 1s,2s,5s,10s,20s,30s,60s`,
  );
  console.log(`machine: ${machineLine()}`);
  console.log(
    `during the outage: ${refused} delivery attempts refused (${(refused / (RECORDS * EDITS)).toFixed(3)} per change), ${duringOutage.ok - before.ok} delivered`,
  );
  console.log(
    `after recovery: ${afterRecovery} deliveries for ${RECORDS} records changed (target ≤ ${RECORDS}); drained in ${(drainMs / 1000).toFixed(1)} s (${drained.ok - duringOutage.ok} by then)`,
  );
  console.log(
    `lost (final state not delivered): ${lost} (target 0); version regressions at the receiver: ${regressions} (target 0); dead letters: ${dead}`,
  );
  const met = lost === 0 && regressions === 0 && afterRecovery <= RECORDS && dead === 0;
  console.log(`push outage: ${met ? 'MET' : 'NOT MET'}`);
} finally {
  await relay.stop();
  await receiver.stop();
}
