/**
 * Feed benchmark 3, throughput: contact notifications per second through the worker's
 * notification handling with the change feed (change detection, the compare-and-set commit,
 * the change appended to the log) against the same handling as it was before the feed
 * (`notificationProcess` without its `feed` dependency: the contact directory only). Same
 * notifications, same Redis, same run, in-process (no BullMQ, no HTTP): 10 at a time, as one
 * worker process at its default concurrency. Every notification is a change (each contact
 * seen for the first time, then 4 edits of its name, a second apart). Items: contacts as the
 * simulator's API answers them. Rounds alternate which side goes first, each side on fresh
 * keys; the figure is the median of the rounds' ratios. Target ≥ 0.8.
 *
 *   node bench/feed-throughput.ts [rounds, default 5] [contacts, default 1000]
 */
import { createIntercomClient } from '@relay/intercom';
import type { WebhookProcessJob } from '@relay/jobs';
import { createProducerConnection, waitUntilReady } from '@relay/jobs/redis';
import {
  createCompanyState,
  createContactDirectory,
  createContactState,
  createFeed,
  notificationProcess,
} from '@relay/sync';
import { startSimulator, startTestRedis } from '@relay/testkit';
import { machineLine } from './lib/machine.ts';
import { median } from './lib/stack.ts';

const ROUNDS = Number(process.argv[2] ?? 5);
const CONTACTS = Number(process.argv[3] ?? 1_000);
const VERSIONS = 5;
const CONCURRENCY = 10;

const redis = await startTestRedis();
const sim = await startSimulator(['--rate-limit', '100000000', '--journal-limit', '1']);
const connection = createProducerConnection(redis.url);
await waitUntilReady(connection);
const intercom = createIntercomClient({ baseUrl: sim.url, token: () => sim.token });

type Contact = Record<string, unknown> & { id: string; name: string; updated_at: number };

/** Real contact objects from the simulator (users with a CRM id, email, phone, a custom attribute). */
async function contacts(): Promise<Contact[]> {
  const made: Contact[] = [];
  for (let i = 0; i < CONTACTS; i += 1) {
    made.push(
      await sim.api<Contact>('POST', '/contacts', {
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

/** Version-major, so one contact's versions are never handled at the same time. */
function notifications(items: Contact[]): WebhookProcessJob[] {
  const jobs: WebhookProcessJob[] = [];
  for (let v = 0; v < VERSIONS; v += 1) {
    for (const contact of items) {
      const item = {
        ...contact,
        name: `${contact.name} v${v}`,
        updated_at: contact.updated_at + v,
      };
      jobs.push({
        receivedAt: Date.now(),
        notification: {
          type: 'notification_event',
          id: `notif_${contact.id}_${v}`,
          topic: 'contact.user.updated',
          app_id: 'simapp',
          created_at: item.updated_at,
          delivery_attempts: 1,
          first_sent_at: item.updated_at,
          data: { item },
        },
      });
    }
  }
  return jobs;
}

/** Redis's commands processed and CPU seconds so far (INFO), and this process's CPU µs. */
async function counters() {
  const info = await connection.info();
  const read = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? 0);
  const { user, system } = process.cpuUsage();
  return {
    commands: read('total_commands_processed'),
    redisCpuUs: (read('used_cpu_sys') + read('used_cpu_user')) * 1e6,
    nodeCpuUs: user + system,
  };
}

/** One side of a round on fresh keys: notifications/s and Redis commands per notification. */
async function run(jobs: WebhookProcessJob[], withFeed: boolean, round: number) {
  const prefix = `{tp-${withFeed ? 'feed' : 'plain'}-${round}}`;
  const contactState = createContactState(connection, prefix);
  const deps = {
    directory: createContactDirectory({ redis: connection, prefix, contacts: contactState }),
    companies: createCompanyState(connection, prefix),
    feed: withFeed
      ? createFeed({
          redis: connection,
          prefix,
          intercom,
          retentionMs: 7 * 86_400_000,
          crmOwnedFields: [],
        })
      : undefined,
  };
  const queue = [...jobs];
  const before = await counters();
  const started = performance.now();
  let changes = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let job = queue.shift(); job; job = queue.shift()) {
        const result = await notificationProcess(job, deps);
        changes += result.feed.filter((outcome) => outcome.outcome === 'change').length;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const done = await counters();
  const per = (name: keyof typeof done) => (done[name] - before[name]) / jobs.length;
  return {
    perSecond: jobs.length / seconds,
    commands: per('commands'),
    redisUs: per('redisCpuUs'),
    nodeUs: per('nodeCpuUs'),
    notChanges: withFeed ? jobs.length - changes : 0,
  };
}

try {
  const jobs = notifications(await contacts());
  await run(jobs.slice(0, 1_000), true, 0); // warm-up, both paths compiled
  await run(jobs.slice(0, 1_000), false, 0);
  const ratios: number[] = [];
  const plainRates: number[] = [];
  const feedRates: number[] = [];
  /** Notifications the feed did not record as a change (each should be one). */
  let notChanges = 0;
  const cost = {
    plain: [] as Awaited<ReturnType<typeof run>>[],
    feed: [] as Awaited<ReturnType<typeof run>>[],
  };
  for (let round = 1; round <= ROUNDS; round += 1) {
    const order = round % 2 === 1 ? [false, true] : [true, false];
    const results = new Map<boolean, Awaited<ReturnType<typeof run>>>();
    for (const withFeed of order) results.set(withFeed, await run(jobs, withFeed, round));
    const plain = results.get(false);
    const feed = results.get(true);
    if (!plain || !feed) throw new Error('a side did not run');
    ratios.push(feed.perSecond / plain.perSecond);
    notChanges += feed.notChanges;
    plainRates.push(plain.perSecond);
    feedRates.push(feed.perSecond);
    cost.plain.push(plain);
    cost.feed.push(feed);
    console.log(
      `round ${round}: plain ${plain.perSecond.toFixed(0)}/s, feed ${feed.perSecond.toFixed(0)}/s, ratio ${(feed.perSecond / plain.perSecond).toFixed(2)}`,
    );
  }
  const ratio = median(ratios);
  const costLine = (runs: Awaited<ReturnType<typeof run>>[]) =>
    `${median(runs.map((r) => r.commands)).toFixed(1)} Redis commands, CPU µs: node ${median(runs.map((r) => r.nodeUs)).toFixed(0)}, redis ${median(runs.map((r) => r.redisUs)).toFixed(0)} per notification`;
  console.log(
    `\nfeed throughput — ${jobs.length} contact notifications per side and round (${CONTACTS} contacts × ${VERSIONS} states, each a change), ${ROUNDS} rounds, in-process, ${CONCURRENCY} at a time, one Redis (AOF everysec)`,
  );
  console.log(`machine: ${machineLine()}`);
  console.log(
    `baseline (notificationProcess without the feed: contact directory): ${median(plainRates).toFixed(0)} notifications/s (median); ${costLine(cost.plain)}`,
  );
  console.log(
    `feed (change detection, commit, change log): ${median(feedRates).toFixed(0)} notifications/s (median); ${costLine(cost.feed)}`,
  );
  console.log(
    `ratio feed ÷ baseline (median of the rounds' ratios, rounds ${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}): ${ratio.toFixed(2)} (target ≥ 0.80) ${ratio >= 0.8 && notChanges === 0 ? 'MET' : 'NOT MET'}${notChanges > 0 ? ` (${notChanges} notifications not recorded as changes)` : ''}`,
  );
} finally {
  connection.disconnect();
  await sim.stop();
  await redis.stop();
}
