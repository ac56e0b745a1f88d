/**
 * Feed benchmark 1, echo ratio: the CRM pushes 5,000 contacts, then 5,000 updates of them,
 * through the ingress; two worker processes write them to the simulator, which sends every
 * notification those writes cause back to the ingress, as Intercom does. Figure: changes
 * recorded on the feed ÷ the relay's writes to Intercom (the simulator's stats), counted once
 * every notification has been processed. Target: 0. Baseline in the same run: a feed that
 * forwards every notification, i.e. notifications received ÷ relay writes.
 *
 *   node bench/feed-echoes.ts [contacts, default 5000]
 */
import {
  intercomWrites,
  pushContacts,
  readFeed,
  startFeedRelay,
  waitWebhooksProcessed,
  workerCounter,
} from './lib/feed.ts';
import { machineLine } from './lib/machine.ts';
import { connectProducer, sleep } from './lib/stack.ts';

const CONTACTS = Number(process.argv[2] ?? 5_000);

const relay = await startFeedRelay({
  workers: 2,
  simArgs: ['--webhook-retry-delay-ms', '1000'],
  env: { WORKER_CONCURRENCY: '10', RECONCILE_EVERY_MS: '0' },
});

/** Waits until the sync lane (where the CRM's pushes go) has nothing waiting or running. */
async function drained(producer: Awaited<ReturnType<typeof connectProducer>>['producer']) {
  for (;;) {
    const { sync } = await producer.jobCounts();
    const busy =
      (sync.waiting ?? 0) + (sync.active ?? 0) + (sync.delayed ?? 0) + (sync.prioritized ?? 0);
    if (busy === 0) return;
    await sleep(250);
  }
}

try {
  const { producer, close } = await connectProducer(relay.redis.url, relay.redis.prefix);
  const ids = Array.from({ length: CONTACTS }, (_, i) => `echo-${i}`);
  const started = performance.now();
  await pushContacts(
    relay,
    ids.map((id, i) => ({ external_id: id, email: `${id}@example.com`, name: `Person ${i}` })),
  );
  await drained(producer);
  const afterCreates = await intercomWrites(relay);
  // The updates only once the creates are written: each is then its own write (no coalescing).
  await pushContacts(
    relay,
    ids.map((id, i) => ({ external_id: id, name: `Person ${i} Jr`, phone: `+1555${i}` })),
  );
  await drained(producer);
  const { webhooks, processed } = await waitWebhooksProcessed(relay);
  const seconds = (performance.now() - started) / 1000;
  const writes = await intercomWrites(relay);
  const { changes } = await readFeed(relay);
  const echoes = await workerCounter(relay, 'relay_feed_echoes_total');
  const failed = (await producer.jobCounts()).sync.failed ?? 0;
  await close();

  const ratio = changes.length / writes;
  const baseline = webhooks.sent / writes;
  console.log(
    `\nfeed echoes — the CRM pushes ${CONTACTS} contacts, then ${CONTACTS} updates, through the ingress; 2 worker processes × 10; the simulator sends every notification back`,
  );
  console.log(`machine: ${machineLine()}`);
  console.log(
    `relay writes to Intercom: ${writes} (${afterCreates} creates, ${writes - afterCreates} updates; ${failed} sync jobs failed) in ${seconds.toFixed(1)} s`,
  );
  console.log(
    `notifications: emitted ${webhooks.emitted}, delivered ${webhooks.sent}, processed by workers ${processed}, failed deliveries ${webhooks.failed}, dropped ${webhooks.dropped}`,
  );
  console.log(
    `baseline (forward every notification): ${webhooks.sent} ÷ ${writes} writes → ${baseline.toFixed(3)}`,
  );
  console.log(
    `feed (echo rule): ${changes.length} changes ÷ ${writes} writes → ${ratio.toFixed(3)} | relay_feed_echoes_total ${echoes}`,
  );
  const met = changes.length === 0 && writes >= 2 * CONTACTS && failed === 0;
  console.log(`feed: echo ratio ${ratio.toFixed(3)} (target 0 exactly) ${met ? 'MET' : 'NOT MET'}`);
  for (const change of changes.slice(0, 5)) {
    console.log(
      `  change: ${change.type} v${change.data.version} source ${change.data.source} intercom_id ${change.data.intercom_id}`,
    );
  }
} finally {
  await relay.stop();
}
