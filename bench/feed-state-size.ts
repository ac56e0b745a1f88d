/**
 * Feed benchmark 4, state size: Redis bytes per record the change feed tracks (the record
 * hash: snapshot, version, newest updated_at, write ledger), with 100,000 contacts each taken
 * through the feed as in production: the relay's create noted with `feed.writes.contact`, the
 * create's notification (an echo), then a teammate's edit (a change). Measured in-process on a
 * private Redis: `used_memory` before and after, less the change log stream (its bytes per
 * change are printed apart), and `MEMORY USAGE` of a sample of records, with the breakdown of
 * a record (key, fields, Redis's own overhead). Every feed key but the log is scanned for the
 * records' emails, names and phones. Target ≤ 300 bytes per record, no personal data.
 *
 *   node bench/feed-state-size.ts [records, default 100000]
 *
 * BENCH_REDIS_STATS=1 prints Redis's INFO commandstats once the records are in.
 */
import { createIntercomClient } from '@relay/intercom';
import { createProducerConnection, waitUntilReady } from '@relay/jobs/redis';
import { createFeed } from '@relay/sync';
import { startTestRedis } from '@relay/testkit';
import { machineLine } from './lib/machine.ts';

const RECORDS = Number(process.argv[2] ?? 100_000);
const PREFIX = '{relay}'; // the default QUEUE_PREFIX: key names as long as in production
const CONCURRENCY = 50;
const SAMPLE = 1_000;

const redis = await startTestRedis();
const connection = createProducerConnection(redis.url);
await waitUntilReady(connection);
// No call reaches Intercom here (no tags, companies or same-second states to look up).
const intercom = createIntercomClient({ baseUrl: 'http://127.0.0.1:9', token: () => 'unused' });
const feed = createFeed({
  redis: connection,
  prefix: PREFIX,
  intercom,
  retentionMs: 7 * 86_400_000,
  crmOwnedFields: [],
});

/** Record i's values: what must never be found in the feed's state. */
const person = (i: number) => ({
  id: `6762f0dd${i.toString(16).padStart(16, '0')}`,
  external_id: `crm-${i}`,
  email: `person${i}@example.com`,
  name: `Person Number${i}`,
  edited: `Teammate Edit${i}`,
  phone: `+4915${String(i).padStart(8, '0')}`,
});

/** A contact as the simulator's (Intercom's) contact view has it. */
function contactItem(i: number, name: string, updatedAt: number) {
  const p = person(i);
  const list = (kind: string) => ({
    type: 'list',
    data: [],
    url: `/contacts/${p.id}/${kind}`,
    total_count: 0,
    has_more: false,
  });
  return {
    type: 'contact',
    id: p.id,
    workspace_id: 'simapp',
    external_id: p.external_id,
    role: 'user',
    email: p.email,
    phone: p.phone,
    name,
    owner_id: null,
    created_at: 1_765_000_000,
    updated_at: updatedAt,
    signed_up_at: null,
    last_seen_at: null,
    unsubscribed_from_emails: false,
    custom_attributes: {},
    tags: list('tags'),
    companies: list('companies'),
  };
}

/** Records whose echo was not an echo or whose edit not a change (the verdict counts them). */
let unexpected = 0;

async function track(i: number) {
  const p = person(i);
  const write = { external_id: p.external_id, email: p.email, name: p.name, phone: p.phone };
  await feed.writes.contact({ externalId: p.external_id }, write);
  const echo = await feed.recorder.contact(contactItem(i, p.name, 1_765_000_000), 'webhook', true);
  const edit = await feed.recorder.contact(contactItem(i, p.edited, 1_765_000_001), 'webhook');
  if (echo.outcome !== 'echo' || edit.outcome !== 'change') unexpected += 1;
}

async function usedMemory(): Promise<number> {
  const info = await connection.info('memory');
  return Number(/^used_memory:(\d+)/m.exec(info)?.[1] ?? 0);
}

const memoryUsage = async (key: string) =>
  Number(await connection.call('MEMORY', 'USAGE', key, 'SAMPLES', '0'));

async function allKeys(): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await connection.scan(cursor, 'MATCH', `${PREFIX}:*`, 'COUNT', 5_000);
    keys.push(...batch);
    cursor = next;
  } while (cursor !== '0');
  return keys;
}

try {
  const before = await usedMemory();
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let i = next++; i < RECORDS; i = next++) await track(i);
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  if (process.env.BENCH_REDIS_STATS) console.log(await connection.info('commandstats'));
  const after = await usedMemory();

  const keys = await allKeys();
  const logKey = `${PREFIX}:feed:log`;
  const recordKeys = keys.filter((key) => key.startsWith(`${PREFIX}:feed:contact:`));
  const otherKeys = keys.filter(
    (key) => key !== logKey && !key.startsWith(`${PREFIX}:feed:contact:`),
  );
  const logEstimate = await memoryUsage(logKey);
  const logLength = await connection.xlen(logKey);
  let otherBytes = 0;
  for (const key of otherKeys) otherBytes += await memoryUsage(key);
  // The log's own share, exactly: used_memory again once it is gone (the records stay).
  await connection.del(logKey, `${PREFIX}:feed:log-trimmed`);
  const withoutLog = await usedMemory();
  const logBytes = after - withoutLog;
  const perRecord = (withoutLog - before - otherBytes) / RECORDS;

  // A sample's MEMORY USAGE and what it is made of.
  const sample = recordKeys.slice(0, SAMPLE);
  const fieldBytes = new Map<string, number>();
  let usage = 0;
  let keyNameBytes = 0;
  for (const key of sample) {
    usage += await memoryUsage(key);
    keyNameBytes += Buffer.byteLength(key);
    const hash = await connection.hgetallBuffer(key);
    for (const [field, value] of Object.entries(hash)) {
      fieldBytes.set(field, (fieldBytes.get(field) ?? 0) + field.length + value.length);
    }
  }
  const encoding = await connection.object('ENCODING', sample[0] ?? '');
  const mean = (total: number) => total / sample.length;
  const payload = [...fieldBytes.values()].reduce((a, b) => a + b, 0);

  // No email, name or phone in any feed key but the log (names and values both).
  let personal = 0;
  for (let start = 0; start < RECORDS; start += 1_000) {
    const ids = Array.from({ length: Math.min(1_000, RECORDS - start) }, (_, k) => start + k);
    const pipeline = connection.pipeline();
    for (const i of ids) pipeline.hgetallBuffer(`${PREFIX}:feed:contact:${person(i).id}`);
    const hashes = (await pipeline.exec()) ?? [];
    ids.forEach((i, k) => {
      const p = person(i);
      const hash = (hashes[k]?.[1] ?? {}) as Record<string, Buffer>;
      const bytes = Buffer.concat(Object.values(hash));
      for (const secret of [p.email, p.name, p.edited, p.phone, '@example.com']) {
        if (bytes.includes(secret)) personal += 1;
      }
    });
  }
  for (const key of otherKeys) {
    const dump = (await connection.dumpBuffer(key))?.toString('latin1') ?? '';
    if (dump.includes('@example.com') || dump.includes('Person Number')) personal += 1;
  }
  const keyNames = keys.filter((key) => key.includes('@') || key.includes('Person')).length;

  console.log(
    `\nfeed state size — ${RECORDS} contacts, each: the relay's create noted, its echo, a teammate's edit (in-process, ${CONCURRENCY} at a time, ${seconds.toFixed(0)} s)`,
  );
  console.log(`machine: ${machineLine()}`);
  console.log(
    `keys: ${recordKeys.length} record hashes, the change log (${logLength} changes), ${otherKeys.length} others (${otherKeys.map((key) => key.slice(PREFIX.length + 1)).join(', ') || 'none'}: ${otherBytes} bytes)`,
  );
  console.log(
    `used_memory: ${before} empty → ${after} with the log → ${withoutLog} without it; change log ${logBytes} bytes = ${(logBytes / logLength).toFixed(0)} bytes per change (MEMORY USAGE said ${(logEstimate / logLength).toFixed(0)}), not counted below`,
  );
  console.log(`per record (used_memory without the log and others): ${perRecord.toFixed(0)} bytes`);
  console.log(
    `sample of ${sample.length}: MEMORY USAGE ${mean(usage).toFixed(0)} bytes per record (${encoding}); key name ${mean(keyNameBytes).toFixed(0)} bytes, fields ${mean(payload).toFixed(0)} bytes (${[
      ...fieldBytes,
    ]
      .map(([field, bytes]) => `${field} ${mean(bytes).toFixed(1)}`)
      .join(
        ', ',
      )}; name + value), the rest Redis's own (key entry, object, listpack headers): ${mean(usage - keyNameBytes - payload).toFixed(0)} bytes`,
  );
  console.log(
    `personal data in feed keys (log excluded): ${personal} found in values, ${keyNames} key names`,
  );
  if (unexpected > 0) {
    console.log(
      `${unexpected} records not recorded as echo then change: the state is not as meant`,
    );
  }
  const met = perRecord <= 300 && personal === 0 && keyNames === 0 && unexpected === 0;
  console.log(
    `feed: ${perRecord.toFixed(0)} bytes per record (target ≤ 300), no email, name or phone in its keys ${met ? 'MET' : 'NOT MET'}`,
  );
} finally {
  connection.disconnect();
  await redis.stop();
}
