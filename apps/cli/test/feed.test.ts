import { join } from 'node:path';
import {
  appendToChangeLog,
  freePort,
  markChangeLogTrimmed,
  type NodeProcess,
  REPO_ROOT,
  startNodeProcess,
  useRedis,
} from '@relay/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startCli } from './cli.ts';

const ADMIN_TOKEN = 'admin-token-for-feed-tests';
// The real ingress on a Redis whose change log the test writes as the worker's recorder does.
const redis = useRedis();
let ingress: NodeProcess<string>;
let env: Record<string, string>;

// 2026-12-06T16:40:00Z, then a minute later.
const FIRST_MS = 1_796_575_200_000;
const LATER_MS = FIRST_MS + 60_000;
const EMAIL = 'ada@example.com';

beforeAll(async () => {
  const port = String(await freePort());
  ingress = await startNodeProcess<string>({
    script: join(REPO_ROOT, 'apps/ingress/src/main.ts'),
    env: {
      REDIS_URL: redis.url,
      QUEUE_PREFIX: redis.prefix,
      INTERCOM_CLIENT_SECRET: 'secret',
      CRM_API_TOKENS: 'crm-token',
      INTERCOM_STATUS_URL: '',
      ADMIN_TOKEN,
      FEED_RETENTION_MS: '86400000',
      HOST: '127.0.0.1',
      PORT: port,
    },
    readyUrl: `http://127.0.0.1:${port}/healthz`,
  });
  env = { RELAY_URL: ingress.ready, ADMIN_TOKEN };
}, 30_000);

afterAll(async () => {
  await ingress?.stop();
});

function contactUpdated(externalId: string, version: number) {
  return {
    type: 'contact.updated',
    data: {
      object: 'contact',
      intercom_id: `6762f0a1${version}`,
      external_id: externalId,
      version,
      changed: ['email', 'custom_attributes.plan'],
      attributes: { email: EMAIL, name: 'Ada Lovelace', custom_attributes: { plan: 'pro' } },
      source: 'reconciliation',
      occurred_at: Math.floor(FIRST_MS / 1000),
    },
  };
}

const companyCreated = {
  type: 'company.created',
  data: {
    object: 'company',
    intercom_id: '5f1c0a',
    company_id: 'acme',
    version: 1,
    changed: ['name'],
    attributes: { name: 'Acme' },
    source: 'webhook',
    occurred_at: Math.floor(LATER_MS / 1000),
  },
};

describe('relay feed against a running ingress', () => {
  it('status: an empty log, then its length, oldest and newest change, trim mark and retention', async () => {
    const empty = await runCli(['feed', 'status', '--json'], env);
    expect(empty.code).toBe(0);
    expect(JSON.parse(empty.stdout)).toEqual({
      length: 0,
      oldest: null,
      newest: null,
      trimmedBefore: null,
      retentionMs: 86_400_000,
      push: { endpointState: 'ok', undelivered: 0 },
    });

    await appendToChangeLog(
      redis.client,
      redis.prefix,
      `${FIRST_MS}-0`,
      contactUpdated('crm-42', 3),
    );
    await appendToChangeLog(redis.client, redis.prefix, `${LATER_MS}-0`, companyCreated);
    const table = await runCli(['feed', 'status'], env);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^changes kept +2$/m);
    expect(table.stdout).toMatch(
      new RegExp(`^oldest +${FIRST_MS}-0 +recorded 2026-12-06T16:40:00\\.000Z \\(.+ ago\\)$`, 'm'),
    );
    expect(table.stdout).toMatch(
      new RegExp(`^newest +${LATER_MS}-0 +recorded 2026-12-06T16:41`, 'm'),
    );
    expect(table.stdout).toMatch(/^trimmed up to +nothing trimmed yet$/m);
    expect(table.stdout).toMatch(/^retention +1 d \(FEED_RETENTION_MS\)$/m);
    expect(table.stdout).toMatch(/^push +endpoint ok, 0 record\(s\) with an undelivered change$/m);
  });

  it('tail: one line per change with ids, version, source and changed fields, never a value', async () => {
    const result = await runCli(['feed', 'tail'], env);
    expect(result.code).toBe(0);
    const [header, ...lines] = result.stdout.trim().split('\n');
    expect(header).toMatch(/^CURSOR +TYPE +VERSION +INTERCOM_ID +CRM_ID +SOURCE +CHANGED$/);
    expect(lines.map((line) => line.split(/ +/))).toEqual([
      [
        `${FIRST_MS}-0`,
        'contact.updated',
        'v3',
        '6762f0a13',
        'crm-42',
        'reconciliation',
        'email,custom_attributes.plan',
      ],
      [`${LATER_MS}-0`, 'company.created', 'v1', '5f1c0a', 'acme', 'webhook', 'name'],
    ]);
    expect(result.stderr).toContain(`2 change(s); go on with --after ${LATER_MS}-0`);
    expect(result.stdout + result.stderr).not.toMatch(/ada@|Ada|Acme|pro\b/);

    const json = await runCli(['feed', 'tail', '--json', '--limit', '1'], env);
    const [only] = json.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(only).toMatchObject({ cursor: `${FIRST_MS}-0`, data: { id: `chg_${FIRST_MS}-0` } });
    expect(only.data.attributes).toBeUndefined();
    expect(json.stderr).toContain('1 change(s) (there may be more)');
  });

  it('tail --values: JSON lines with the attribute values, after a cursor', async () => {
    const result = await runCli(['feed', 'tail', '--values', '--after', `${FIRST_MS}-0`], env);
    expect(result.code).toBe(0);
    const changes = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(changes).toEqual([
      {
        cursor: `${LATER_MS}-0`,
        type: 'company.created',
        timestamp: '2026-12-06T16:41:00.000Z',
        data: { id: `chg_${LATER_MS}-0`, ...companyCreated.data },
      },
    ]);
  });

  it('tail --follow: prints changes as they are recorded, from the last cursor, until Ctrl-C', async () => {
    const follow = startCli(['feed', 'tail', '--follow', '--after', `${LATER_MS}-0`], env);
    await follow.stderrMatches(/following the change feed after \d+-0, every 2 s; Ctrl-C to stop/);
    await appendToChangeLog(
      redis.client,
      redis.prefix,
      `${LATER_MS + 1}-0`,
      contactUpdated('crm-7', 4),
    );
    await follow.stdoutMatches(/crm-7/);
    follow.child.kill('SIGINT');
    const result = await follow.result;
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(new RegExp(`^${LATER_MS + 1}-0 +contact.updated +v4 `));
    expect(result.stderr).toContain(`stopped; go on with --after ${LATER_MS + 1}-0`);
  });

  it('tail with an expired cursor: says changes were missed and what to do, and exits 1', async () => {
    await markChangeLogTrimmed(redis.client, redis.prefix, `${FIRST_MS - 1}-0`);
    const result = await runCli(['feed', 'tail', '--after', `${FIRST_MS - 60_000}-0`], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^relay: the change feed no longer keeps the changes after this cursor \(410 FEED_CURSOR_EXPIRED: .+\)\. Changes were missed: read again without --after/m,
    );
    const status = JSON.parse((await runCli(['feed', 'status', '--json'], env)).stdout);
    expect(status.trimmedBefore).toBe(`${FIRST_MS - 1}-0`);
  });

  it('refuses a bad --limit before calling the ingress', async () => {
    const result = await runCli(['feed', 'tail', '--limit', '5000'], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--limit must be a whole number from 1 to 1000');
  });
});

describe('relay feed enable and replay: the push to the CRM', () => {
  // Where the push's dispatcher stands (no worker runs here, so nothing moves it).
  const STAGED = `${LATER_MS}-4`;
  const pushKey = (name: string) => `${redis.prefix}:push:${name}`;

  it('status shows a disabled endpoint; enable resumes deliveries', async () => {
    // As the workers leave it after the CRM answered 410 Gone, with one record waiting.
    await redis.client.hset(pushKey('endpoint'), 'disabled', '1');
    await redis.client.sadd(pushKey('due:held'), 'contact.6762f0a13');
    const status = await runCli(['feed', 'status'], env);
    expect(status.stdout).toMatch(
      /^push +endpoint disabled \(it answered 410 Gone: `relay feed enable` resumes\), 1 record\(s\) with an undelivered change$/m,
    );

    const result = await runCli(['feed', 'enable'], env);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe('the CRM endpoint is enabled (ok): deliveries resume\n');
    expect(await redis.client.hget(pushKey('endpoint'), 'disabled')).toBeNull();
    const json = await runCli(['feed', 'status', '--json'], env);
    expect(JSON.parse(json.stdout).push).toEqual({ endpointState: 'ok', undelivered: 1 });
    const again = await runCli(['feed', 'enable', '--json'], env);
    expect(JSON.parse(again.stdout)).toEqual({ endpointState: 'ok' });
  });

  it('replay --since a cursor: the push goes back to it', async () => {
    await redis.client.set(pushKey('cursor'), STAGED);
    const result = await runCli(['feed', 'replay', '--since', `${FIRST_MS}-0`], env);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(
      new RegExp(`^replaying the changes after ${FIRST_MS}-0: each record's latest version`),
    );
    expect(await redis.client.get(pushKey('cursor'))).toBe(`${FIRST_MS}-0`);
  });

  it('replay says so when there is nothing to send again', async () => {
    await redis.client.del(pushKey('cursor'), pushKey('replay-until'));
    const before = await runCli(['feed', 'replay', '--since', `${FIRST_MS}-0`], env);
    expect(before.code, before.stderr).toBe(0);
    expect(before.stdout).toBe(
      'nothing to replay: the push has not started (no worker with CRM_WEBHOOK_URL has run on this Redis)\n',
    );
    await redis.client.set(pushKey('cursor'), `${FIRST_MS}-0`);
    const ahead = await runCli(['feed', 'replay', '--since', STAGED], env);
    expect(ahead.code, ahead.stderr).toBe(0);
    expect(ahead.stdout).toBe(
      `nothing to replay: the push has sent the changes up to ${FIRST_MS}-0; those after --since go to the CRM anyway\n`,
    );
    expect(await redis.client.get(pushKey('cursor'))).toBe(`${FIRST_MS}-0`);
  });

  it('replay --since a time: from the changes recorded at that millisecond on', async () => {
    await redis.client.set(pushKey('cursor'), STAGED);
    const result = await runCli(
      ['feed', 'replay', '--since', '2026-12-06T16:40:00Z', '--json'],
      env,
    );
    expect(result.code, result.stderr).toBe(0);
    const cursor = `${FIRST_MS - 1}-18446744073709551615`;
    expect(JSON.parse(result.stdout)).toEqual({ replayingAfter: cursor, pushedUpTo: STAGED });
    expect(await redis.client.get(pushKey('cursor'))).toBe(cursor);
  });

  it('refuses a missing or unreadable --since (exit 2), and says what the ingress refused (exit 1)', async () => {
    await redis.client.set(pushKey('cursor'), STAGED);
    for (const [args, message] of [
      [[], /feed replay needs --since <cursor or ISO 8601 time>/],
      [
        ['--since', 'yesterday'],
        /--since must be a cursor \(like .+\) or an ISO 8601 time with a zone/,
      ],
      [['--since', '2026-12-06T16:40:00'], /--since must be a cursor/],
    ] as const) {
      const result = await runCli(['feed', 'replay', ...args], env);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toMatch(message);
    }
    const refused = await runCli(['feed', 'replay', '--since', '1-99999999999999999999'], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /POST \/admin\/feed\/push\/replay: 400 PAYLOAD_INVALID: body\/after must be a cursor/,
    );
    expect(await redis.client.get(pushKey('cursor'))).toBe(STAGED);
  });
});
