import {
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useRelay, waitFor } from '@relay/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, stackEnv, startCli } from './cli.ts';
import { startCountingProxy } from './counting-proxy.ts';

const dir = mkdtempSync(join(tmpdir(), 'relay-cli-backfill-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});
const relay = useRelay({
  simArgs: ['--custom-attribute', 'plan:string', '--custom-attribute', 'seats:integer'],
  env: { RECONCILE_EVERY_MS: '0' },
});
let proxy: Awaited<ReturnType<typeof startCountingProxy>>;
let env: Record<string, string>;

beforeAll(async () => {
  proxy = await startCountingProxy(relay.stack.ingressUrl);
  env = { ...stackEnv(relay, 'unused'), RELAY_URL: proxy.url };
});

afterAll(async () => {
  await proxy?.close();
});

async function simContacts(prefix: string) {
  const { contacts } = await relay.sim.contacts();
  return contacts.filter((c) => c.contact.external_id?.startsWith(prefix)).map((c) => c.contact);
}
const synced = (prefix: string, count: number) =>
  waitFor(
    () => simContacts(prefix),
    (contacts) => contacts.length >= count,
    30_000,
  );

const sentCounts = (prefix: string) =>
  [...proxy.sent].filter(([id]) => id.startsWith(prefix)).map(([, times]) => times);

describe('relay backfill against a running stack', () => {
  it('sends a CSV in batches, typed attributes included, and records rejected rows by line', async () => {
    const file = join(dir, 'contacts.csv');
    const lines = ['external_id,email,name,role,custom_attributes.plan,custom_attributes.seats'];
    for (let i = 1; i <= 300; i++) {
      const email = i === 50 ? 'not-an-email' : `p${i}@example.com`;
      const seats = i === 120 ? 'many' : String(i % 7);
      lines.push(`csv-${i},${email},"Person, ${i}",user,pro,${seats}`);
    }
    writeFileSync(file, `${lines.join('\n')}\n`);

    const result = await runCli(['backfill', file, '--batch-size', '100', '--json'], env);
    expect(result.code).toBe(1); // rows were rejected
    expect(JSON.parse(result.stdout)).toMatchObject({
      rows: 300,
      accepted: 298,
      rejected: 2,
      requests: 3,
      complete: true,
    });
    const rejected = readFileSync(`${file}.rejected.ndjson`, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(rejected).toEqual([
      { row: 50, line: 51, code: 'PAYLOAD_INVALID', message: expect.stringMatching(/email/) },
      {
        row: 120,
        line: 121,
        code: 'PAYLOAD_INVALID',
        message: expect.stringMatching(/seats must be a whole number/),
      },
    ]);
    expect(existsSync(`${file}.checkpoint.json`)).toBe(false);
    expect([...proxy.paths]).toEqual(['/v1/contacts?lane=backfill']); // behind interactive pushes

    const contacts = await synced('csv-', 298);
    expect(contacts).toHaveLength(298);
    const seven = contacts.find((c) => c.external_id === 'csv-7');
    expect(seven).toMatchObject({
      name: 'Person, 7',
      custom_attributes: { plan: 'pro', seats: 0 },
    });
  }, 60_000);

  it('resumes an NDJSON run stopped by Ctrl-C: every row sent exactly once, none lost', async () => {
    const file = join(dir, 'contacts.ndjson');
    const lines = Array.from({ length: 250 }, (_, i) =>
      JSON.stringify({ external_id: `nd-${i + 1}`, email: `n${i + 1}@example.com` }),
    );
    lines.splice(99, 0, '{not json'); // line 100: a row that cannot be read
    writeFileSync(file, `${lines.join('\n')}\n`);

    const held = proxy.holdRequest(3);
    const first = startCli(['backfill', file, '--batch-size', '50'], env);
    await held.arrival;
    first.child.kill('SIGINT');
    await first.stderrMatches(/stopping after the batch in flight/);
    held.release();
    const stopped = await first.result;
    expect(stopped.code).toBe(130);
    expect(stopped.stdout).toMatch(/^stopped +after row 150: continue with --resume$/m);
    const checkpoint = JSON.parse(readFileSync(`${file}.checkpoint.json`, 'utf8'));
    expect(checkpoint).toMatchObject({ rowsDone: 150, lastLine: 150, accepted: 149, rejected: 1 });

    const resumed = await runCli(['backfill', file, '--batch-size', '50', '--resume'], env);
    expect(resumed.code).toBe(1); // the unreadable row
    expect(resumed.stdout).toMatch(/^rows +251 of 251 done \(resumed after row 150\)$/m);
    expect(resumed.stdout).toMatch(/^accepted +250$/m);
    expect(readFileSync(`${file}.rejected.ndjson`, 'utf8')).toBe(
      '{"row":100,"line":100,"code":"ROW_INVALID","message":"the line is not valid JSON"}\n',
    );
    const counts = sentCounts('nd-');
    expect(counts).toHaveLength(250);
    expect(counts.every((times) => times === 1)).toBe(true);
    expect(await synced('nd-', 250)).toHaveLength(250);
  }, 60_000);

  it('after a crash mid-batch, resumes sending at most that batch again and loses nothing', async () => {
    const file = join(dir, 'crash.ndjson');
    const lines = Array.from({ length: 100 }, (_, i) =>
      JSON.stringify({ external_id: `crash-${i + 1}` }),
    );
    writeFileSync(file, `${lines.join('\n')}\n`);

    const held = proxy.holdRequest(2);
    const first = startCli(['backfill', file, '--batch-size', '25'], env);
    await held.arrival;
    first.child.kill('SIGKILL');
    await first.result;
    held.release(); // the ingress still gets rows 26–50; the CLI never hears of it
    await proxy.idle();
    expect(JSON.parse(readFileSync(`${file}.checkpoint.json`, 'utf8')).rowsDone).toBe(25);

    const resumed = await runCli(
      ['backfill', file, '--batch-size', '25', '--resume', '--json'],
      env,
    );
    expect(resumed.code).toBe(0);
    expect(JSON.parse(resumed.stdout)).toMatchObject({
      resumedAfterRow: 25,
      rowsDone: 100,
      accepted: 100,
      rejected: 0,
    });
    for (let row = 1; row <= 100; row++) {
      expect(proxy.sent.get(`crash-${row}`), `row ${row}`).toBe(row > 25 && row <= 50 ? 2 : 1);
    }
    expect(await synced('crash-', 100)).toHaveLength(100);
  }, 60_000);

  it('retries a 503 and a 429 after Retry-After, and stops with a clear error on a 400', async () => {
    const file = join(dir, 'flaky.ndjson');
    const lines = Array.from({ length: 60 }, (_, i) =>
      JSON.stringify({ external_id: `flaky-${i + 1}` }),
    );
    writeFileSync(file, `${lines.join('\n')}\n`);
    const unavailable = {
      error: { code: 'QUEUE_UNAVAILABLE', message: 'the queue cannot take jobs right now' },
    };
    proxy.answerRequest(1, { status: 503, body: unavailable, retryAfter: '0' });
    proxy.answerRequest(3, {
      status: 429,
      body: { error: { code: 'RATE_LIMITED', message: 'slow down' } },
      retryAfter: '0',
    });
    proxy.answerRequest(5, {
      status: 400,
      body: { error: { code: 'PAYLOAD_INVALID', message: 'body/contacts must be an array' } },
    });

    const result = await runCli(['backfill', file, '--batch-size', '20'], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/retrying in 0\.0 s: 503 QUEUE_UNAVAILABLE/);
    expect(result.stderr).toMatch(/retrying in 0\.0 s: 429 RATE_LIMITED/);
    expect(result.stderr).toMatch(
      /relay: the ingress refused the batch of rows 41–60: 400 PAYLOAD_INVALID: body\/contacts must be an array/,
    );
    expect(JSON.parse(readFileSync(`${file}.checkpoint.json`, 'utf8')).rowsDone).toBe(40);

    const resumed = await runCli(['backfill', file, '--batch-size', '20', '--resume'], env);
    expect(resumed.code).toBe(0);
    expect(await synced('flaky-', 60)).toHaveLength(60);
  }, 60_000);
  it('stops at an unterminated quote before sending any row, names the line, and a fixed file then goes through', async () => {
    const file = join(dir, 'unterminated.csv');
    const good = Array.from({ length: 150 }, (_, i) => `quote-${i + 1},Person ${i + 1}`);
    // The file: the quote opened on row 151 would take every later line into its field.
    const broken = [...good, 'quote-151,"Ann', 'quote-152,Bob', 'quote-153,Cy'];
    writeFileSync(file, `external_id,name\n${broken.join('\n')}\n`);

    const result = await runCli(['backfill', file, '--batch-size', '50'], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `relay: ${file} line 152: a quoted field opened in this row is never closed (every line after it would be read into that field); nothing was sent: fix the file and run again`,
    );
    expect(result.stdout).toBe('');
    expect(sentCounts('quote-')).toEqual([]);
    expect(existsSync(`${file}.checkpoint.json`)).toBe(false);

    writeFileSync(
      file,
      `external_id,name\n${[...good, 'quote-151,"Ann"', 'quote-152,Bob', 'quote-153,Cy'].join('\n')}\n`,
    );
    const fixed = await runCli(['backfill', file, '--batch-size', '50', '--json'], env);
    expect(fixed.code).toBe(0);
    expect(JSON.parse(fixed.stdout)).toMatchObject({ rows: 153, accepted: 153, rejected: 0 });
    const counts = sentCounts('quote-');
    expect(counts).toHaveLength(153);
    expect(counts.every((times) => times === 1)).toBe(true);
  }, 60_000);

  it('stops at a row with a missing field before sending any row, naming its line', async () => {
    const file = join(dir, 'columns.csv');
    const lines = ['external_id,email,name'];
    for (let i = 1; i <= 200; i++)
      lines.push(i === 120 ? `cols-${i},c${i}@example.com` : `cols-${i},c${i}@example.com,C ${i}`);
    writeFileSync(file, `${lines.join('\r\n')}\r\n`);

    const result = await runCli(['backfill', file, '--batch-size', '50'], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `relay: ${file} line 121: the row has 2 fields, the header 3; nothing was sent`,
    );
    expect(sentCounts('cols-')).toEqual([]);
  }, 60_000);

  it('stops at a record broken during the run: nothing after it sent, the checkpoint at the batch before, resumable once fixed', async () => {
    const file = join(dir, 'changing.csv');
    const padding = 'x'.repeat(200); // rows past the read-ahead of the first request
    const row = (i: number) => `chg-${i},${padding} ${i}`;
    const text = `external_id,name\n${Array.from({ length: 1600 }, (_, i) => row(i + 1)).join('\n')}\n`;
    writeFileSync(file, text);
    const comma =
      Buffer.byteLength(text.slice(0, text.indexOf(`\nchg-1500,`))) + 'chg-1500,'.length;

    const held = proxy.holdRequest(1);
    const run = startCli(['backfill', file, '--batch-size', '250'], env);
    await held.arrival;
    const overwrite = (byte: string) => {
      const fd = openSync(file, 'r+');
      writeSync(fd, byte, comma);
      closeSync(fd);
    };
    overwrite(';'); // row 1500 (line 1501) now has one field
    held.release();
    const result = await run.result;
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `relay: ${file} line 1501: the row has 1 fields, the header 2; the file changed during the run; no row after row 1250 was sent`,
    );
    for (let i = 1; i <= 1600; i++)
      expect(proxy.sent.get(`chg-${i}`), `row ${i}`).toBe(i <= 1250 ? 1 : undefined);
    expect(JSON.parse(readFileSync(`${file}.checkpoint.json`, 'utf8'))).toMatchObject({
      rowsDone: 1250,
      lastLine: 1251,
    });

    overwrite(',');
    const resumed = await runCli(
      ['backfill', file, '--batch-size', '250', '--resume', '--json'],
      env,
    );
    expect(resumed.code).toBe(0);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ resumedAfterRow: 1250, rowsDone: 1600 });
    for (let i = 1; i <= 1600; i++) expect(proxy.sent.get(`chg-${i}`), `row ${i}`).toBe(1);
  }, 60_000);

  it('refuses a torn checkpoint with what is wrong and how to go on', async () => {
    const file = join(dir, 'torn.ndjson');
    writeFileSync(file, `${JSON.stringify({ external_id: 'torn-1' })}\n`);
    writeFileSync(`${file}.checkpoint.json`, '{\n  "version": 1,\n  "input": {');
    const result = await runCli(['backfill', file, '--resume'], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      `relay: the checkpoint ${file}.checkpoint.json is not valid JSON (cut short, or edited by hand?): remove it or pass --restart (every row is sent again)`,
    );
    expect(sentCounts('torn-')).toEqual([]);
  }, 60_000);
});
