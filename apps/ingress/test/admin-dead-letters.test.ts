import { waitFor } from '@relay/testkit';
import { UnrecoverableError } from 'bullmq';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from './test-app.ts';

const t = useTestApp({ admin: 'main' });

const EMAIL = 'dead-letter-secret@example.com';
type DeadLetter = {
  id: string;
  lane: string;
  name: string;
  attempts: number;
  failedAt: string;
  error: { code: string; message: string; retryable: boolean; requestId?: string };
};

/** The relay's worker stores an AppError as JSON in failedReason (run-job.ts). */
function rejectedByIntercom(): never {
  throw new UnrecoverableError(
    JSON.stringify({
      code: 'INTERCOM_REJECTED',
      message: 'Intercom answered 422',
      retryable: false,
      requestId: 'req-dead-1',
      status: 422,
    }),
  );
}

async function failedCount(lane: 'sync' | 'webhook') {
  return t().queues.queue(lane).getFailedCount();
}

let jobIds: string[] = [];
beforeAll(async () => {
  const accepted = await t().producer.enqueueContactUpserts([
    { external_id: 'crm-dead-0', email: EMAIL, name: 'Ada Lovelace' },
    { external_id: 'crm-dead-1' },
    { external_id: 'crm-dead-2' },
  ]);
  jobIds = accepted.map((item) => (item.ok ? item.jobId : ''));
  const failing = t().worker('sync', async () => rejectedByIntercom());
  await waitFor(
    () => failedCount('sync'),
    (n) => n === 3,
  );
  await failing.close();
  // One webhook job failing with a reason that is not the relay's JSON (BullMQ's own).
  await t()
    .queues.queue('webhook')
    .add('webhook.process', { notification: { id: 'n-1' } });
  const webhookWorker = t().worker('webhook', async () => {
    throw new UnrecoverableError('job stalled more than allowable limit');
  });
  await waitFor(
    () => failedCount('webhook'),
    (n) => n === 1,
  );
  await webhookWorker.close();
});

describe('GET /admin/dead-letters', () => {
  it('lists a lane’s failed jobs with their error, never their data', async () => {
    const response = await t().admin({ method: 'GET', url: '/admin/dead-letters?lane=sync' });
    expect(response.statusCode).toBe(200);
    const body = response.json() as { deadLetters: DeadLetter[]; total: number };
    expect(body.total).toBe(3);
    expect(body.deadLetters.map((letter) => letter.id).sort()).toEqual([...jobIds].sort());
    expect(body.deadLetters[0]).toEqual({
      id: expect.any(String),
      lane: 'sync',
      name: 'contact.upsert',
      attempts: 1,
      failedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      error: {
        code: 'INTERCOM_REJECTED',
        message: 'Intercom answered 422',
        retryable: false,
        requestId: 'req-dead-1',
        status: 422,
      },
    });
    expect(response.body).not.toContain(EMAIL);
    expect(response.body).not.toContain('Ada Lovelace');
    expect(response.body).not.toContain('crm-dead-0');
  });

  it('pages through every lane when none is named; other reasons read as INTERNAL', async () => {
    const all = await t().admin({ method: 'GET', url: '/admin/dead-letters?limit=50' });
    const body = all.json() as { deadLetters: DeadLetter[]; total: number };
    expect(body.total).toBe(4);
    expect(body.deadLetters.map((letter) => letter.lane)).toEqual([
      'webhook',
      'sync',
      'sync',
      'sync',
    ]);
    expect(body.deadLetters[0]?.error).toEqual({
      code: 'INTERNAL',
      message: 'job stalled more than allowable limit',
      retryable: true,
    });
    const page = await t().admin({ method: 'GET', url: '/admin/dead-letters?limit=2&offset=1' });
    expect(page.json().total).toBe(4);
    expect(page.json().deadLetters.map((letter: DeadLetter) => letter.id)).toEqual(
      body.deadLetters.slice(1, 3).map((letter) => letter.id),
    );
  });

  it('rejects a bad limit, offset or lane', async () => {
    for (const [query, status] of [
      ['limit=0', 400],
      ['limit=1001', 400],
      ['offset=-1', 400],
      ['limit=ten', 400],
      ['lane=bulk', 404],
    ] as const) {
      const response = await t().admin({ method: 'GET', url: `/admin/dead-letters?${query}` });
      expect(response.statusCode, query).toBe(status);
    }
  });
});

describe('replay and retry', () => {
  it('replays named failed jobs, reports ids it could not, retries by limit, and a worker then finishes them all', async () => {
    const [named, ...others] = jobIds;
    const replay = await t().admin({
      method: 'POST',
      url: '/admin/dead-letters/replay',
      payload: { lane: 'sync', jobIds: [named, 'contact-0000000000000000-gone'] },
    });
    expect(replay.statusCode).toBe(200);
    expect(replay.json()).toEqual({
      lane: 'sync',
      replayed: 1,
      remaining: 2,
      notFound: ['contact-0000000000000000-gone'],
    });
    // Replaying it again: it is no longer a dead letter.
    const again = await t().admin({
      method: 'POST',
      url: '/admin/dead-letters/replay',
      payload: { lane: 'sync', jobIds: [named] },
    });
    expect(again.json()).toMatchObject({ replayed: 0, notFound: [named] });

    const retry = await t().admin({
      method: 'POST',
      url: '/admin/queues/sync/retry',
      payload: { limit: 1 },
    });
    expect(retry.json()).toEqual({ lane: 'sync', retried: 1, remaining: 1 });
    const rest = await t().admin({
      method: 'POST',
      url: '/admin/dead-letters/replay',
      payload: { lane: 'sync' },
    });
    expect(rest.json()).toEqual({ lane: 'sync', replayed: 1, remaining: 0, notFound: [] });

    const finished: string[] = [];
    t().worker('sync', async (job) => {
      finished.push(job.id as string);
      return { action: 'updated' };
    });
    await waitFor(
      async () => finished.length,
      (n) => n === 3,
    );
    expect(finished.sort()).toEqual([named, ...others].sort());
    const states = await Promise.all(
      jobIds.map(async (id) => {
        const job = await t().queues.queue('sync').getJob(id);
        return { state: await job?.getState(), attempts: job?.attemptsMade };
      }),
    );
    // Fresh attempts: each ran once more after its replay.
    expect(states).toEqual(jobIds.map(() => ({ state: 'completed', attempts: 1 })));
    const lines = t().logs.entries;
    expect(lines).toContainEqual(
      expect.objectContaining({ msg: 'replayed dead letters', lane: 'sync', replayed: 1 }),
    );
    expect(lines).toContainEqual(
      expect.objectContaining({ msg: 'retried failed jobs', lane: 'sync', retried: 1 }),
    );
    expect(t().logs.text()).not.toContain(EMAIL);
  });

  it('rejects job ids the relay cannot have made and an unknown lane', async () => {
    const bad = await t().admin({
      method: 'POST',
      url: '/admin/dead-letters/replay',
      payload: { lane: 'sync', jobIds: ['a:b'] },
    });
    expect(bad.statusCode).toBe(400);
    const unknown = await t().admin({
      method: 'POST',
      url: '/admin/dead-letters/replay',
      payload: { lane: 'bulk' },
    });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.details.lanes).toContain('sync');
  });
});
