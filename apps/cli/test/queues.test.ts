import { E2E_CRM_TOKEN, useRelay, waitFor } from '@relay/testkit';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, stackEnv } from './cli.ts';

const ADMIN_TOKEN = 'admin-token-for-queue-tests';
// The reconciliation schedule is on, as in production: its next run waits in the backfill lane.
const relay = useRelay({ env: { ADMIN_TOKEN, RECONCILE_EVERY_MS: '3600000' } });
let env: Record<string, string>;

beforeAll(() => {
  env = stackEnv(relay, ADMIN_TOKEN);
});

async function push(prefix: string, count: number, lane: 'sync' | 'backfill' = 'sync') {
  const contacts = Array.from({ length: count }, (_, i) => ({ external_id: `${prefix}-${i}` }));
  const response = await fetch(`${relay.stack.ingressUrl}/v1/contacts?lane=${lane}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${E2E_CRM_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ contacts }),
  });
  expect(response.status).toBe(202);
}

type Lane = {
  lane: string;
  paused: boolean;
  counts: { waiting: number; prioritized: number; failed: number };
};
async function syncLane(): Promise<Lane> {
  const result = await runCli(['queues', 'list', '--json'], env);
  expect(result.code).toBe(0);
  const lanes = (JSON.parse(result.stdout) as { queues: Lane[] }).queues;
  return lanes.find((lane) => lane.lane === 'sync') as Lane;
}

/** The admin API read directly: polling through the CLI would cost a process per read. */
async function failedInSync(): Promise<number> {
  const response = await fetch(`${relay.stack.ingressUrl}/admin/queues`, {
    headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
  });
  const { queues } = (await response.json()) as { queues: Lane[] };
  return queues.find((lane) => lane.lane === 'sync')?.counts.failed ?? -1;
}

async function simHas(prefix: string): Promise<number> {
  const { contacts } = await relay.sim.contacts();
  return contacts.filter((c) => c.contact.external_id?.startsWith(`${prefix}-`)).length;
}

describe('relay queues against a running stack', () => {
  it('lists every lane as a table', async () => {
    const result = await runCli(['queues', 'list'], env);
    expect(result.code).toBe(0);
    const [header, ...rows] = result.stdout.trim().split('\n');
    expect(header).toMatch(/^LANE +QUEUE +PAUSED +WAITING +ACTIVE +DELAYED +FAILED +OLDEST$/);
    expect(rows.map((row) => row.split(/ +/)[0])).toEqual([
      'erasure',
      'webhook',
      'sync',
      'backfill',
      'crm',
    ]);
  });

  it('pauses a lane (pushes wait), drains it page by page with --yes, and resumes it', async () => {
    const paused = await runCli(['queues', 'pause', 'sync'], env);
    expect(paused.code).toBe(0);
    expect(paused.stdout).toMatch(/lane sync is paused/);
    await push('held', 30);
    const lane = await syncLane();
    expect(lane.paused).toBe(true);
    expect(lane.counts.waiting + lane.counts.prioritized).toBe(30);
    const listed = await runCli(['queues', 'list'], env);
    expect(listed.stdout).toMatch(/^sync +relay-sync +PAUSED +30 /m);

    const drained = await runCli(
      ['queues', 'drain', 'sync', '--yes', '--batch', '10', '--json'],
      env,
    );
    expect(drained.code).toBe(0);
    expect(JSON.parse(drained.stdout)).toEqual({
      lane: 'sync',
      removed: 30,
      remaining: 0,
      scheduled: 0,
    });
    expect(drained.stderr).toMatch(/drain sync: 30\/30 jobs 100%/);

    const resumed = await runCli(['queues', 'resume', 'sync'], env);
    expect(resumed.code).toBe(0);
    expect((await syncLane()).paused).toBe(false);
    expect(await simHas('held')).toBe(0);
  }, 60_000);

  it("drains the backfill lane, keeping the reconciliation schedule's next run", async () => {
    const lane = async () => {
      const result = await fetch(`${relay.stack.ingressUrl}/admin/queues`, {
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      });
      const { queues } = (await result.json()) as { queues: Lane[] };
      return queues.find((queue) => queue.lane === 'backfill') as Lane & {
        counts: { delayed: number; active: number };
      };
    };
    // The worker runs the first sweep at once; the next one then waits, delayed.
    await waitFor(
      lane,
      (backfill) => backfill.counts.delayed === 1 && backfill.counts.active === 0,
    );
    expect((await runCli(['queues', 'pause', 'backfill'], env)).code).toBe(0);
    await push('bulk', 12, 'backfill');

    const drained = await runCli(['queues', 'drain', 'backfill', '--yes', '--batch', '5'], env);
    expect(drained.stderr).not.toMatch(/QUEUE_UNAVAILABLE/);
    expect(drained.code).toBe(0);
    expect(drained.stdout).toMatch(
      /lane backfill: 12 job\(s\) removed, 0 not started remain; 1 scheduled run\(s\) kept/,
    );
    expect((await lane()).counts).toMatchObject({ waiting: 0, prioritized: 0, delayed: 1 });
    expect((await runCli(['queues', 'resume', 'backfill'], env)).code).toBe(0);
  }, 60_000);

  it('replays dead letters and retries failed jobs once Intercom accepts them again', async () => {
    await relay.sim.control('POST', 'faults', { errorRates: { '400': 1 } });
    await push('dead', 5);
    expect(await waitFor(failedInSync, (n) => n === 5, 20_000)).toBe(5);
    await relay.sim.control('DELETE', 'faults');

    const replayed = await runCli(['queues', 'replay', 'sync', '--json'], env);
    expect(replayed.code).toBe(0);
    expect(JSON.parse(replayed.stdout)).toMatchObject({
      lane: 'sync',
      replayed: 5,
      remaining: 0,
      notFound: [],
    });
    expect(
      await waitFor(
        () => simHas('dead'),
        (n) => n === 5,
        20_000,
      ),
    ).toBe(5);

    await relay.sim.control('POST', 'faults', { errorRates: { '400': 1 } });
    await push('failed', 3);
    expect(await waitFor(failedInSync, (n) => n === 3, 20_000)).toBe(3);
    await relay.sim.control('DELETE', 'faults');
    const retried = await runCli(['queues', 'retry', 'sync'], env);
    expect(retried.code).toBe(0);
    expect(retried.stdout).toMatch(/lane sync: 3 failed job\(s\) back to waiting, 0 still failed/);
    expect(
      await waitFor(
        () => simHas('failed'),
        (n) => n === 3,
        20_000,
      ),
    ).toBe(3);

    const unknown = await runCli(['queues', 'replay', 'sync', 'no-such-job'], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stdout).toMatch(/not dead letters of lane sync: no-such-job/);
  }, 90_000);

  it('reports the API refusing to drain erasures, and a wrong admin token as a config error', async () => {
    const erasure = await runCli(['queues', 'drain', 'erasure', '--yes'], env);
    expect(erasure.code).toBe(1);
    expect(erasure.stderr).toMatch(/409 OPERATION_REFUSED: erasure requests are a legal duty/);
    const refused = await runCli(['queues', 'list'], {
      ...env,
      ADMIN_TOKEN: 'not-the-admin-token',
    });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(
      /the admin API at http:\/\/127\.0\.0\.1:\d+ refused ADMIN_TOKEN \(401 UNAUTHENTICATED: the admin token is not valid\): the CLI's ADMIN_TOKEN \(or ADMIN_TOKEN_FILE\) must be the ingress's ADMIN_TOKEN/,
    );
  });
});
