import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'relay-cli-usage-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Nothing listens here: every case must stop before making a request.
const NOWHERE = { RELAY_URL: 'http://127.0.0.1:9' };

describe('relay: usage and configuration errors exit 2 with one line on stderr', () => {
  it.each([
    [['frobnicate'], /unknown command "frobnicate"/],
    [['queues'], /queues needs a subcommand: queues list, queues pause/],
    [['queues', 'pause'], /queues pause needs a lane: erasure, webhook, sync, backfill/],
    [['queues', 'pause', 'everything'], /no lane "everything"/],
    [['triage', '--interval', 'soon'], /--interval must be a whole number from 0 to 300/],
    [['triage', '--bogus'], /Unknown option '--bogus'/],
    [['token', 'check'], /INTERCOM_ACCESS_TOKEN \(or INTERCOM_ACCESS_TOKEN_FILE\) is not set/],
    [['queues', 'list'], /ADMIN_TOKEN \(or ADMIN_TOKEN_FILE\) is not set/],
    [['backfill'], /backfill takes one file/],
    [['backfill', join(dir, 'missing.csv')], /no such file/],
  ])('relay %j', async (args, message) => {
    const result = await runCli(args, NOWHERE);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stdout).toBe('');
  });

  it('refuses a drain without --yes when no terminal can ask', async () => {
    const result = await runCli(['queues', 'drain', 'sync'], { ...NOWHERE, ADMIN_TOKEN: 'x' });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/pass --yes to confirm/);
  });

  it('names every bad setting at once', async () => {
    const result = await runCli(['preflight'], {
      RELAY_URL: 'ftp://relay',
      WORKER_METRICS_URLS: 'not a url',
      ADMIN_TOKEN: 'a',
      ADMIN_TOKEN_FILE: join(dir, 'admin-token'),
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/RELAY_URL must use http: or https:/);
    expect(result.stderr).toMatch(/WORKER_METRICS_URLS holds a value that is not a URL/);
    expect(result.stderr).toMatch(
      /ADMIN_TOKEN_FILE points to .*, which does not exist|set ADMIN_TOKEN or ADMIN_TOKEN_FILE, not both/,
    );
  });

  it('lists a secret file it cannot read with the other problems, without a stack trace', async () => {
    const result = await runCli(['queues', 'list'], {
      RELAY_URL: 'ftp://relay',
      ADMIN_TOKEN_FILE: dir,
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      [
        'relay: invalid configuration:',
        // ADMIN_URL and RELAY_PUBLIC_URL default to RELAY_URL: one problem, said once.
        '  - RELAY_URL must use http: or https: (got ftp:)',
        `  - ADMIN_TOKEN_FILE points to ${dir}, which cannot be read (EISDIR)`,
        'run `relay --help` for usage',
        '',
      ].join('\n'),
    );
  });

  it('refuses a CSV whose header the ingress would refuse, before sending anything', async () => {
    const file = join(dir, 'bad-header.csv');
    writeFileSync(file, 'external_id,mail\ncrm-1,a@example.com\n');
    const result = await runCli(['backfill', file], { ...NOWHERE, CRM_API_TOKEN: 'x' });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /CSV column "mail" is not one of external_id, email, name, phone, role/,
    );
  });

  it('refuses a checkpoint or rejected file it could not write, before sending anything', async () => {
    const file = join(dir, 'writable.ndjson');
    writeFileSync(file, '{"external_id":"crm-1"}\n');
    const result = await runCli(
      ['backfill', file, '--state', join(dir, 'no-such-dir', 'state.json')],
      {
        ...NOWHERE,
        CRM_API_TOKEN: 'x',
      },
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /cannot write .*state\.json \(read-only\?\): give another place with --state FILE/,
    );
  });

  it('refuses to start over a checkpoint without --resume or --restart', async () => {
    const file = join(dir, 'people.ndjson');
    writeFileSync(file, '{"external_id":"crm-1"}\n');
    writeFileSync(
      `${file}.checkpoint.json`,
      JSON.stringify({
        version: 1,
        input: { size: 1, headHash: 'x' },
        rowsDone: 1,
        lastLine: 1,
        accepted: 1,
        rejected: 0,
        rejectedBytes: 0,
        updatedAt: '2026-01-01T00:00:00.000Z',
      }),
    );
    const result = await runCli(['backfill', file], { ...NOWHERE, CRM_API_TOKEN: 'x' });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/holds an interrupted run \(rows 1–1 acknowledged\): --resume/);
    const resumed = await runCli(['backfill', file, '--resume'], {
      ...NOWHERE,
      CRM_API_TOKEN: 'x',
    });
    expect(resumed.code).toBe(2);
    expect(resumed.stderr).toMatch(/changed since the checkpoint/);
  });

  it('prints help with exit 0, and the command list without a command with exit 2', async () => {
    const help = await runCli(['backfill', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Usage: relay backfill <file>/);
    const bare = await runCli([]);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toMatch(/Commands:\n {2}triage/);
  });
});
