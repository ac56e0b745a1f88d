/**
 * Feed benchmark 3, throughput: contact notifications per second through the worker path — a
 * relay worker process (apps/worker/src/main.ts, as in production, at its default concurrency)
 * draining webhook jobs stored by the producer — with the change feed (change detection, the
 * compare-and-set commit, the change appended to the log) against the same worker with the
 * feed off (FEED_ENABLED=false: the notification handlers as they were before the feed).
 * Same notifications (contacts as the simulator's API answers them; every one a change: each
 * contact seen for the first time, then 4 edits of its name, a second apart), same Redis, same
 * run; rounds alternate which side goes first, each side on fresh keys. Figure: the median of
 * the rounds' ratios. Target ≥ 0.8. The rate is the slope between 10 % and 90 % drained, so a
 * process's start does not count.
 *
 *   node bench/feed-throughput.ts [rounds, default 3] [contacts, default 1000]
 */
import { QueueNames, type WebhookNotification } from '@relay/jobs';
import { parsePrometheusText, sumSamples } from '@relay/telemetry';
import { machineLine } from './lib/machine.ts';
import { connectProducer, median, sleep, startBenchEnv, startRelayWorkers } from './lib/stack.ts';

const ROUNDS = Number(process.argv[2] ?? 3);
const CONTACTS = Number(process.argv[3] ?? 1_000);
const VERSIONS = 5;

const env = await startBenchEnv(['--rate-limit', '100000000', '--journal-limit', '1']);

type Contact = Record<string, unknown> & { id: string; name: string; updated_at: number };

/** Real contact objects from the simulator (users with a CRM id, email, phone, a custom attribute). */
async function contacts(): Promise<Contact[]> {
  const made: Contact[] = [];
  for (let i = 0; i < CONTACTS; i += 1) {
    made.push(
      await env.sim.api<Contact>('POST', '/contacts', {
        role: 'user',
        external_id: `tp-${i}`,
        email: `tp${i}@example.com`,
        name: `Person ${i}`,
        phone: `+1555${String(i).padStart(6, '0')}`,
        custom_attributes: { plan: 'pro' },
      }),
    );
  }
  return made;
}

/** Version-major, so a contact's versions are far apart in the queue. */
function notifications(items: Contact[], round: number): WebhookNotification[] {
  const made: WebhookNotification[] = [];
  for (let v = 0; v < VERSIONS; v += 1) {
    for (const contact of items) {
      const item = {
        ...contact,
        name: `${contact.name} v${v}`,
        updated_at: contact.updated_at + v,
      };
      made.push({
        type: 'notification_event',
        id: `notif_${round}_${contact.id}_${v}`,
        topic: 'contact.user.updated',
        app_id: 'simapp',
        created_at: item.updated_at,
        delivery_attempts: 1,
        first_sent_at: item.updated_at,
        data: { type: 'notification_event_data', item },
      } as WebhookNotification);
    }
  }
  return made;
}

/** The worker's completed webhook jobs so far (relay_jobs_total). */
async function completed(metricsUrl: string): Promise<number> {
  const text = await (await fetch(`${metricsUrl}/metrics`)).text();
  return sumSamples(parsePrometheusText(text), 'relay_jobs_total', {
    queue: QueueNames.webhook,
    outcome: 'completed',
  });
}

/** One side of a round on fresh keys: notifications/s between 10 % and 90 % drained. */
async function run(items: Contact[], withFeed: boolean, round: number): Promise<number> {
  const prefix = `{tp-${withFeed ? 'feed' : 'plain'}-${round}}`;
  const jobs = notifications(items, round);
  const { producer, close } = await connectProducer(env.redis.url, prefix);
  for (let at = 0; at < jobs.length; at += 500) {
    await Promise.all(jobs.slice(at, at + 500).map((job) => producer.enqueueWebhook(job)));
  }
  await close();
  const [worker] = await startRelayWorkers(env, prefix, 1, {
    FEED_ENABLED: String(withFeed),
    LOG_LEVEL: 'error',
  });
  if (!worker) throw new Error('no worker');
  const marks: { at: number; done: number }[] = [];
  try {
    for (;;) {
      const done = await completed(worker.ready);
      marks.push({ at: performance.now(), done });
      if (done >= jobs.length) break;
      await sleep(25);
    }
  } finally {
    await worker.stop();
  }
  const first = marks.find((mark) => mark.done >= jobs.length * 0.1);
  const last = marks.find((mark) => mark.done >= jobs.length * 0.9);
  if (!first || !last || last.at === first.at) throw new Error('too few samples');
  return (last.done - first.done) / ((last.at - first.at) / 1000);
}

try {
  const items = await contacts();
  const ratios: number[] = [];
  const rates = { plain: [] as number[], feed: [] as number[] };
  for (let round = 1; round <= ROUNDS; round += 1) {
    const order = round % 2 === 1 ? [false, true] : [true, false];
    const results = new Map<boolean, number>();
    for (const withFeed of order) results.set(withFeed, await run(items, withFeed, round));
    const plain = results.get(false) ?? Number.NaN;
    const feed = results.get(true) ?? Number.NaN;
    ratios.push(feed / plain);
    rates.plain.push(plain);
    rates.feed.push(feed);
    console.log(
      `round ${round}: feed off ${plain.toFixed(0)}/s, feed on ${feed.toFixed(0)}/s, ratio ${(feed / plain).toFixed(2)}`,
    );
  }
  const ratio = median(ratios);
  console.log(
    `\nfeed throughput — ${CONTACTS * VERSIONS} contact notifications per side and round (${CONTACTS} contacts × ${VERSIONS} states, each a change), ${ROUNDS} rounds, one relay worker process at its default concurrency, one Redis (AOF everysec)`,
  );
  console.log(`machine: ${machineLine()}`);
  console.log(
    `baseline (worker, FEED_ENABLED=false): ${median(rates.plain).toFixed(0)} notifications/s (median)`,
  );
  console.log(
    `feed (worker, change detection, commit, change log): ${median(rates.feed).toFixed(0)} notifications/s (median)`,
  );
  console.log(
    `ratio feed ÷ baseline (median of the rounds' ratios, rounds ${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}): ${ratio.toFixed(2)} (target ≥ 0.80) ${ratio >= 0.8 ? 'MET' : 'NOT MET'}`,
  );
} finally {
  await env.stop();
}
