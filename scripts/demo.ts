// The demo: a private Redis, the Intercom simulator (with a rate limit low enough to be the
// bottleneck), the ingress and two worker processes sharing one rate budget, and a small CRM
// that receives the change feed. It pushes a CRM batch and a burst of signed webhooks (with
// duplicates and forgeries), shows progress while the queues drain, then makes a few changes
// in Intercom as a teammate would, which reach the CRM signed (and none of the relay's own
// writes), prints a summary read from the metrics, stops everything and exits.
import { randomBytes, randomUUID } from 'node:crypto';
import {
  freePort,
  type RedisServer,
  type SimulatorProcess,
  type Stack,
  startRedisServer,
  startSimulator,
  startStack,
} from '@relay/testkit';
import { startDemoCrm } from './demo/crm-receiver.ts';
import { crmContacts, crmUpdates, webhookBurst } from './demo/feeds.ts';
import { progressLine, queueState, summary } from './demo/report.ts';
import { scrape } from './demo/scrape.ts';
import { pushContacts, sendWebhooks } from './demo/send.ts';

const CONTACTS = 2_500;
const UPDATES = 300;
const WEBHOOKS = 400;
const DUPLICATE_WEBHOOKS = 100;
const FORGED_WEBHOOKS = 5;
const TIMEOUT_MS = 5 * 60_000;

const crmToken = `demo-crm-${randomUUID()}`;
const webhookSecret = `demo-secret-${randomUUID()}`;
// The CRM's signing secret for the change feed (Standard Webhooks: whsec_ and 24–64 bytes).
const crmWebhookSecret = `whsec_${randomBytes(32).toString('base64')}`;
const log = (line: string) => console.log(line);

let redis: RedisServer | undefined;
let sim: SimulatorProcess | undefined;
let stack: Stack | undefined;
let crm: Awaited<ReturnType<typeof startDemoCrm>> | undefined;

async function stopAll() {
  await stack?.stop();
  await crm?.close();
  await sim?.stop();
  await redis?.stop();
}

process.on('SIGINT', () => {
  log('\ninterrupted: stopping everything');
  void stopAll().then(() => process.exit(130));
});

async function main() {
  const started = Date.now();
  let redisUrl = process.env.REDIS_URL;
  const prefix = `{demo${randomUUID().slice(0, 8)}}`;
  if (!redisUrl) {
    redis = await startRedisServer();
    redisUrl = redis.url;
    log(`redis       ${redisUrl} (private, AOF on, noeviction)`);
  } else {
    log(`redis       REDIS_URL, keys under the prefix ${prefix}`);
  }

  const ingressPort = await freePort();
  sim = await startSimulator([
    '--rate-limit', '150', '--window-ms', '2000',
    '--latency-ms', '5', '--latency-max-ms', '60',
    '--webhook-url', `http://127.0.0.1:${ingressPort}/webhooks/intercom`,
    '--webhook-secret', webhookSecret,
  ]); // biome-ignore format: flag/value pairs
  log(
    `simulator   ${sim.url} (150 calls per 2 s window, 5–60 ms latency, webhooks to the ingress)`,
  );

  crm = await startDemoCrm(crmWebhookSecret);
  log(`CRM         ${crm.url} (receives the change feed, verifies each signature)`);

  stack = await startStack({
    redisUrl,
    queuePrefix: prefix,
    intercomUrl: sim.url,
    intercomToken: sim.token,
    webhookSecret,
    crmToken,
    workers: 2,
    env: {
      PORT: String(ingressPort),
      WORKER_CONCURRENCY: '20',
      LOG_LEVEL: 'warn',
      // The simulator's budget: 150 calls per 2 s window (the relay keeps 10 % headroom).
      INTERCOM_RATE_LIMIT_PER_10S: '150',
      INTERCOM_RATE_LIMIT_WINDOW_MS: '2000',
      // The change feed pushed to the demo's CRM (http is allowed to this host only).
      CRM_WEBHOOK_URL: crm.url,
      CRM_WEBHOOK_SECRET: crmWebhookSecret,
    },
  });
  log(`ingress     ${stack.ingressUrl}`);
  log(`workers     2 processes, metrics at ${stack.workerMetricsUrls.join(' ')}\n`);

  // The workspace's custom attributes, as an Intercom admin would have made them: the
  // ingress checks every pushed attribute against these.
  for (const [name, dataType] of [
    ['plan', 'string'],
    ['seats', 'integer'],
  ]) {
    await sim.api('POST', '/data_attributes', { name, model: 'contact', data_type: dataType });
  }
  log('workspace   custom attributes plan (string), seats (integer)');
  const contacts = crmContacts(CONTACTS);
  const pushed = await pushContacts(stack.ingressUrl, crmToken, contacts);
  log(
    `CRM push    ${CONTACTS} contacts in batches of 500: ${pushed.accepted} accepted, ${pushed.rejected} rejected (invalid items, with index and reason)`,
  );
  const burst = webhookBurst(WEBHOOKS, DUPLICATE_WEBHOOKS, FORGED_WEBHOOKS, webhookSecret);
  const webhookOutcomes = await sendWebhooks(stack.ingressUrl, burst);
  log(
    `webhooks    ${burst.length} deliveries: ${JSON.stringify(webhookOutcomes)} (401 = forged signature)`,
  );
  const updates = await pushContacts(stack.ingressUrl, crmToken, crmUpdates(UPDATES));
  log(
    `CRM push    ${UPDATES} changed contacts: ${updates.accepted} accepted (one update call each: the id map knows them)\n`,
  );

  const expectedSync = new Set([...pushed.jobIds, ...updates.jobIds]).size;
  const metricsUrls = stack.workerMetricsUrls;
  const deadline = started + TIMEOUT_MS;
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const [ingress, workers] = await Promise.all([scrape([stack.ingressUrl]), scrape(metricsUrls)]);
    log(progressLine(Math.round((Date.now() - started) / 1000), ingress, workers));
    const sync = queueState(ingress, 'relay-sync');
    const webhook = queueState(ingress, 'relay-webhook');
    const simWebhooks = (await sim.stats()).webhooks;
    const drained =
      sync.pending === 0 &&
      sync.completed + sync.failed >= expectedSync &&
      webhook.pending === 0 &&
      simWebhooks.inFlight === 0;
    if (drained) break;
    if (Date.now() > deadline) throw new Error('the queues did not drain within 5 minutes');
  }

  // Intercom → CRM: what a teammate and the Messenger change reaches the CRM; the relay's own
  // writes above came back as notifications too, and none reached it.
  const crmBefore = crm.changes.length;
  for (const name of ['Ada (Messenger)', 'Grace (Messenger)'])
    await sim.changes.createLead({ name });
  const known = await sim.api<{ id: string }>('GET', '/contacts/find_by_external_id/crm-1');
  await sim.changes.editContact(known.id, { name: 'Renamed by a teammate' });
  await sim.changes.tag(known.id, 'vip');
  log('\nIntercom    the Messenger captures 2 leads; a teammate renames and tags contact crm-1');
  // Three records changed; a rename and a tag in one second may reach the CRM as one change.
  const fresh = () => crm?.changes.slice(crmBefore) ?? [];
  const arrived = () =>
    new Set(fresh().map((change) => change.data.intercom_id)).size >= 3 &&
    fresh().some((change) => change.data.changed?.includes('tags'));
  const crmDeadline = Date.now() + 30_000;
  while (!arrived() && Date.now() < crmDeadline) {
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  for (const { type, data } of fresh()) {
    const changed = data.changed ? `, changed ${data.changed.join(', ')}` : '';
    log(
      `CRM got     ${type} ${data.intercom_id}, external_id ${data.external_id ?? 'null'}${changed}`,
    );
  }

  const [ingress, workers] = await Promise.all([scrape([stack.ingressUrl]), scrape(metricsUrls)]);
  log(`\nsummary (from the relay's /metrics, ${Math.round((Date.now() - started) / 1000)} s)`);
  log(summary(ingress, workers, { received: crm.changes.length, refused: crm.refused() }));
}

try {
  await main();
  await stopAll();
  log('\nstopped the simulator, the ingress, the workers and Redis.');
} catch (error) {
  console.error(`demo failed: ${error instanceof Error ? error.message : String(error)}`);
  if (stack) console.error(`last ingress output:\n${stack.ingress.tail()}`);
  await stopAll();
  process.exit(1);
}
