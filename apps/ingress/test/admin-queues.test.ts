import { waitFor } from '@relay/testkit';
import { describe, expect, it } from 'vitest';
import { useTestApp } from './test-app.ts';

const t = useTestApp({ admin: 'main' });

type Summary = {
  lane: string;
  queue: string;
  paused: boolean;
  counts: Record<string, number>;
  oldestWaitingAgeSeconds: number;
};

async function lane(name: string): Promise<Summary> {
  const response = await t().admin({ method: 'GET', url: '/admin/queues' });
  expect(response.statusCode).toBe(200);
  const found = (response.json().queues as Summary[]).find((queue) => queue.lane === name);
  if (!found) throw new Error(`no lane ${name} in the list`);
  return found;
}

function contacts(prefix: string, count: number) {
  return Array.from({ length: count }, (_, n) => ({ external_id: `${prefix}-${n}` }));
}

describe('GET /admin/queues', () => {
  it('lists the five lanes with their counts, pause state and oldest waiting age', async () => {
    await t().producer.enqueueContactUpserts(contacts('crm-list', 3));
    await t().producer.enqueueErasure('crm-list-erase');
    const response = await t().admin({ method: 'GET', url: '/admin/queues' });
    expect(response.statusCode).toBe(200);
    const queues = response.json().queues as Summary[];
    expect(queues.map((queue) => queue.lane)).toEqual([
      'erasure',
      'webhook',
      'sync',
      'backfill',
      'crm',
    ]);
    expect(queues.find((queue) => queue.lane === 'sync')).toMatchObject({
      queue: 'relay-sync',
      paused: false,
      counts: { waiting: 3, active: 0, delayed: 0, prioritized: 0, failed: 0, completed: 0 },
    });
    expect((await lane('erasure')).counts.waiting).toBe(1);
    expect((await lane('sync')).oldestWaitingAgeSeconds).toBeGreaterThanOrEqual(0);
    expect((await lane('backfill')).oldestWaitingAgeSeconds).toBe(0);
    await t().queues.queue('sync').drain();
    await t().queues.queue('erasure').drain();
  });
});

describe('pause and resume', () => {
  it('stops every worker taking jobs (intake goes on), lets the running one finish, and resumes with nothing lost', async () => {
    const runs: string[] = [];
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const first = t().worker('sync', async (job) => {
      runs.push(job.id as string);
      if (runs.length === 1) await held;
    });
    const accepted = await t().producer.enqueueContactUpserts(contacts('crm-pause', 20));
    const jobIds = accepted.map((item) => (item.ok ? item.jobId : ''));
    await waitFor(
      async () => runs.length,
      (n) => n === 1,
    );

    const paused = await t().admin({ method: 'POST', url: '/admin/queues/sync/pause' });
    expect(paused.statusCode).toBe(200);
    expect(paused.json()).toEqual({ lane: 'sync', paused: true });
    release();
    // A second process started during the pause takes nothing either: the pause is global.
    t().worker('sync', async (job) => {
      runs.push(job.id as string);
    });
    const during = await waitFor(
      () => lane('sync'),
      (summary) => summary.counts.completed === 1 && summary.counts.active === 0,
    );
    // Intake goes on during a pause: a push is stored and waits with the rest.
    const [late] = await t().producer.enqueueContactUpserts(contacts('crm-pause-late', 1));
    if (late?.ok) jobIds.push(late.jobId);
    expect(during).toMatchObject({
      paused: true,
      counts: { completed: 1, active: 0, waiting: 19 },
    });
    // Give both workers time to (wrongly) take a job: none may start while paused.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(runs).toHaveLength(1);
    expect((await lane('sync')).counts.waiting).toBe(20);

    const resumed = await t().admin({ method: 'POST', url: '/admin/queues/sync/resume' });
    expect(resumed.json()).toEqual({ lane: 'sync', paused: false });
    const after = await waitFor(
      () => lane('sync'),
      (summary) => summary.counts.completed === 21,
    );
    expect(after).toMatchObject({
      paused: false,
      counts: { completed: 21, waiting: 0, failed: 0 },
    });
    expect(new Set(runs)).toEqual(new Set(jobIds));
    expect(runs).toHaveLength(21);
    await first.close();
  });

  it('answers 404 NOT_FOUND naming the lanes for an unknown lane', async () => {
    const response = await t().admin({ method: 'POST', url: '/admin/queues/bulk/pause' });
    expect(response.statusCode).toBe(404);
    expect(response.json().error).toMatchObject({
      code: 'NOT_FOUND',
      details: { lanes: ['erasure', 'webhook', 'sync', 'backfill', 'crm'] },
    });
  });

  it('logs each action with its lane', async () => {
    await t().admin({ method: 'POST', url: '/admin/queues/backfill/pause' });
    await t().admin({
      method: 'POST',
      url: '/admin/queues/backfill/resume',
      headers: { 'content-type': 'application/json' },
      payload: '',
    });
    const lines = t().logs.entries;
    expect(lines).toContainEqual(
      expect.objectContaining({ msg: 'paused lane', lane: 'backfill', paused: true }),
    );
    expect(lines).toContainEqual(
      expect.objectContaining({ msg: 'resumed lane', lane: 'backfill', paused: false }),
    );
  });
});

describe('request metrics', () => {
  it('times admin routes on the main app by route template', async () => {
    await t().admin({ method: 'GET', url: '/admin/queues' });
    await t().admin({ method: 'POST', url: '/admin/queues/backfill/pause' });
    await t().admin({ method: 'POST', url: '/admin/queues/backfill/resume' });
    const text = await t().metrics.registry.getSingleMetricAsString(
      'relay_http_request_duration_seconds',
    );
    expect(text).toContain('route="/admin/queues/:lane/pause"');
    expect(text).toContain('route="/admin/queues"');
    expect(text).not.toMatch(/route="\/admin\/queues\/(sync|backfill)/);
  });
});

describe('POST /admin/queues/:lane/drain', () => {
  it('refuses to drain erasure requests (a legal duty): 409, and they stay queued', async () => {
    await t().producer.enqueueErasure('crm-keep-erasure');
    const response = await t().admin({
      method: 'POST',
      url: '/admin/queues/erasure/drain',
      payload: { confirm: 'erasure' },
    });
    expect(response.statusCode).toBe(409);
    expect(response.json().error.code).toBe('OPERATION_REFUSED');
    expect(response.json().error.message).toMatch(/legal duty/);
    expect((await lane('erasure')).counts.waiting).toBe(1);
  });

  it('needs confirm equal to the lane name', async () => {
    await t().producer.enqueueCacheWarm(['crm-warm-1']);
    for (const payload of [undefined, {}, { confirm: 'sync' }, { confirm: 'Backfill' }]) {
      const response = await t().admin({
        method: 'POST',
        url: '/admin/queues/backfill/drain',
        ...(payload === undefined ? {} : { payload }),
      });
      expect(response.statusCode, JSON.stringify(payload)).toBe(400);
      expect(response.json().error.code).toBe('PAYLOAD_INVALID');
    }
    expect((await lane('backfill')).counts.waiting).toBe(1);
  });

  it('removes waiting, prioritized and delayed jobs up to the limit and says what remains', async () => {
    const queue = t().queues.queue('backfill');
    await queue.add('contacts.warm', { externalIds: ['a'] }, { delay: 60_000 });
    await queue.add('contacts.warm', { externalIds: ['b'] }, { priority: 5 });
    await queue.add('contacts.warm', { externalIds: ['c'] });
    await queue.add('contacts.warm', { externalIds: ['d'] });
    const first = await t().admin({
      method: 'POST',
      url: '/admin/queues/backfill/drain',
      payload: { confirm: 'backfill', limit: 2 },
    });
    expect(first.statusCode).toBe(200);
    expect(first.json()).toEqual({ lane: 'backfill', removed: 2, remaining: 3, scheduled: 0 });
    const rest = await t().admin({
      method: 'POST',
      url: '/admin/queues/backfill/drain',
      payload: { confirm: 'backfill' },
    });
    expect(rest.json()).toEqual({ lane: 'backfill', removed: 3, remaining: 0, scheduled: 0 });
    expect((await lane('backfill')).counts).toMatchObject({
      waiting: 0,
      prioritized: 0,
      delayed: 0,
    });
    const lines = t().logs.entries;
    expect(lines).toContainEqual(
      expect.objectContaining({ msg: 'drained lane', lane: 'backfill', removed: 3, remaining: 0 }),
    );
  });

  it('drains a paused lane too (pause first, then drain, is the runbook’s order)', async () => {
    const queue = t().queues.queue('backfill');
    await t().admin({ method: 'POST', url: '/admin/queues/backfill/pause' });
    await queue.add('contacts.warm', { externalIds: ['e'] });
    await queue.add('contacts.warm', { externalIds: ['f'] }, { priority: 3 });
    const drained = await t().admin({
      method: 'POST',
      url: '/admin/queues/backfill/drain',
      payload: { confirm: 'backfill' },
    });
    expect(drained.json()).toEqual({ lane: 'backfill', removed: 2, remaining: 0, scheduled: 0 });
    await t().admin({ method: 'POST', url: '/admin/queues/backfill/resume' });
  });

  it('rejects a limit outside 1 to 10000', async () => {
    const response = await t().admin({
      method: 'POST',
      url: '/admin/queues/backfill/drain',
      payload: { confirm: 'backfill', limit: 0 },
    });
    expect(response.statusCode).toBe(400);
  });
});
