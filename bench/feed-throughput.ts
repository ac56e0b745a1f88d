/**
 * Feed benchmark 3, throughput: contact notifications per second through the worker path — a
 * relay worker process (apps/worker/src/main.ts, as in production, at its default concurrency)
 * draining webhook jobs stored by the producer — with the change feed (change detection, the
 * compare-and-set commit, the change appended to the log) against the same worker with the
 * feed off (FEED_ENABLED=false: the notification handlers as they were before the feed).
 * Same notifications (contacts as the simulator's API answers them; every one a change: each
 * contact seen for the first time, then 4 edits of its name, a second apart), same Redis. The
 * two sides run at the same time, each a worker on fresh keys of its own: this shared machine's
 * speed moves by a third within a minute, which run-after-run rounds took for the feed's cost
 * (an A/A run, both sides with the feed off, gave 1.01–1.03 so). Figure: the median of the
 * rounds' ratios. Target ≥ 0.8. Also printed: each worker's CPU per notification.
 *
 *   node bench/feed-throughput.ts [rounds, default 5] [contacts, default 1000]
 */
import { QueueNames, type WebhookNotification } from '@relay/jobs';
import { parsePrometheusText, sumSamples } from '@relay/telemetry';
import { processCpuSeconds } from './lib/cpu.ts';
import { machineLine } from './lib/machine.ts';
import { connectProducer, median, sleep, startBenchEnv, startRelayWorkers } from './lib/stack.ts';

const ROUNDS = Number(process.argv[2] ?? 5);
const CONTACTS = Number(process.argv[3] ?? 1_000);
const VERSIONS = 5;
/** Metrics are read this often: each read costs the worker a little CPU, so not too often. */
const POLL_MS = 100;

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

type Side = { rate: number; workerCpuMs: number };
type Mark = { at: number; done: number; cpu: number };

/** Stores a side's notifications as webhook jobs under its own prefix. */
async function enqueue(items: Contact[], prefix: string, round: number): Promise<number> {
  const jobs = notifications(items, round);
  const { producer, close } = await connectProducer(env.redis.url, prefix);
  for (let at = 0; at < jobs.length; at += 500) {
    await Promise.all(jobs.slice(at, at + 500).map((job) => producer.enqueueWebhook(job)));
  }
  await close();
  return jobs.length;
}

/** A side's rate and worker CPU between two moments (marks interpolated to them). */
function between(marks: Mark[], from: number, to: number): Side {
  const at = (time: number, field: 'done' | 'cpu') => {
    const after = marks.findIndex((mark) => mark.at >= time);
    const b = marks[Math.max(after, 1)] as Mark;
    const a = marks[Math.max(after, 1) - 1] as Mark;
    return a[field] + ((b[field] - a[field]) * (time - a.at)) / (b.at - a.at || 1);
  };
  const drained = at(to, 'done') - at(from, 'done');
  return {
    rate: drained / ((to - from) / 1000),
    workerCpuMs: ((at(to, 'cpu') - at(from, 'cpu')) * 1000) / drained,
  };
}

/**
 * One round: both sides at once, each a worker on fresh keys of its own, so a stretch in which
 * the machine is slower (other tenants, CPU steal) slows both alike. Measured over the stretch
 * in which both run at full speed: from the moment both have drained 10 % to the moment the
 * first reaches 90 % (after that, the other would have the machine to itself).
 */
async function runRound(items: Contact[], round: number): Promise<{ plain: Side; feed: Side }> {
  const sides = [false, true].map((withFeed) => ({
    withFeed,
    prefix: `{tp-${withFeed ? 'feed' : 'plain'}-${round}}`,
    marks: [] as Mark[],
    total: 0,
  }));
  for (const side of sides) side.total = await enqueue(items, side.prefix, round);
  const workers = await Promise.all(
    sides.map(async (side) => {
      const [worker] = await startRelayWorkers(env, side.prefix, 1, {
        FEED_ENABLED: String(side.withFeed),
        LOG_LEVEL: 'error',
      });
      if (!worker) throw new Error('no worker');
      return worker;
    }),
  );
  try {
    for (;;) {
      const counts = await Promise.all(workers.map((worker) => completed(worker.ready)));
      const at = performance.now();
      sides.forEach((side, i) => {
        side.marks.push({
          at,
          done: counts[i] ?? 0,
          cpu: processCpuSeconds(workers[i]?.child.pid),
        });
      });
      if (sides.every((side, i) => (counts[i] ?? 0) >= side.total)) break;
      await sleep(POLL_MS);
    }
  } finally {
    await Promise.all(workers.map((worker) => worker.stop()));
  }
  const reached = (share: number) =>
    sides.map((side) => side.marks.find((mark) => mark.done >= side.total * share)?.at ?? Infinity);
  const from = Math.max(...reached(0.1));
  const to = Math.min(...reached(0.9));
  if (!(to > from)) throw new Error('the sides did not overlap');
  const [plain, feed] = sides.map((side) => between(side.marks, from, to));
  if (!plain || !feed) throw new Error('a side is missing');
  return { plain, feed };
}

try {
  const items = await contacts();
  const ratios: number[] = [];
  const rates = { plain: [] as number[], feed: [] as number[] };
  const cpu = { plain: [] as number[], feed: [] as number[] };
  for (let round = 1; round <= ROUNDS; round += 1) {
    const { plain, feed } = await runRound(items, round);
    ratios.push(feed.rate / plain.rate);
    rates.plain.push(plain.rate);
    rates.feed.push(feed.rate);
    cpu.plain.push(plain.workerCpuMs);
    cpu.feed.push(feed.workerCpuMs);
    console.log(
      `round ${round}: feed off ${plain.rate.toFixed(0)}/s (worker ${plain.workerCpuMs.toFixed(3)} CPU ms each), feed on ${feed.rate.toFixed(0)}/s (${feed.workerCpuMs.toFixed(3)} ms), ratio ${(feed.rate / plain.rate).toFixed(2)}`,
    );
  }
  const ratio = median(ratios);
  console.log(
    `\nfeed throughput — ${CONTACTS * VERSIONS} contact notifications per side and round (${CONTACTS} contacts × ${VERSIONS} states, each a change), ${ROUNDS} rounds, one relay worker process per side at its default concurrency, both sides at once, one Redis (AOF everysec)`,
  );
  console.log(`machine: ${machineLine()}`);
  console.log(
    `baseline (worker, FEED_ENABLED=false): ${median(rates.plain).toFixed(0)} notifications/s, worker ${median(cpu.plain).toFixed(3)} CPU ms per notification (medians)`,
  );
  console.log(
    `feed (worker, change detection, commit, change log): ${median(rates.feed).toFixed(0)} notifications/s, worker ${median(cpu.feed).toFixed(3)} CPU ms per notification (medians)`,
  );
  console.log(
    `ratio feed ÷ baseline (median of the rounds' ratios, rounds ${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}): ${ratio.toFixed(2)} (target ≥ 0.80) ${ratio >= 0.8 ? 'MET' : 'NOT MET'}`,
  );
} finally {
  await env.stop();
}
