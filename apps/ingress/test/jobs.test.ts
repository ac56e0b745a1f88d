import { QueueNames } from '@relay/jobs';
import { startTestRedis, type TestRedis, waitFor } from '@relay/testkit';
import { UnrecoverableError, Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, CRM_TOKEN, type TestApp } from './build-test-app.ts';

let redis: TestRedis;
let t: TestApp;
beforeAll(async () => {
  redis = await startTestRedis();
  t = await buildTestApp(redis.url, redis.prefix);
});
afterAll(async () => {
  await t.close();
  await redis.stop();
});

async function push(contacts: unknown[]): Promise<string[]> {
  const response = await t.app.inject({
    method: 'POST',
    url: '/v1/contacts',
    payload: { contacts },
    headers: { authorization: `Bearer ${CRM_TOKEN}` },
  });
  return response.json().accepted.map((item: { jobId: string }) => item.jobId);
}

function status(jobId: string, token: string | null = CRM_TOKEN) {
  return t.app.inject({
    method: 'GET',
    url: `/v1/jobs/${encodeURIComponent(jobId)}`,
    headers: token === null ? {} : { authorization: `Bearer ${token}` },
  });
}

/** Runs the sync lane's jobs once with `outcome`, as a worker would. */
async function runJobs(outcome: (name: string) => unknown) {
  const worker = new Worker(QueueNames.sync, async (job) => outcome(job.data.contact.external_id), {
    connection: { url: redis.url },
    prefix: redis.prefix,
  });
  return worker;
}

describe('GET /v1/jobs/:jobId', () => {
  it('tells a waiting job’s state without its data (the contact’s personal data)', async () => {
    const [jobId] = await push([{ external_id: 'crm-status', email: 'ada@example.com' }]);
    const response = await status(jobId ?? '');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      id: jobId,
      lane: 'sync',
      name: 'contact.upsert',
      state: 'waiting',
      attempts: 0,
    });
    expect(response.body).not.toContain('ada@example.com');
    expect(response.body).not.toContain('crm-status');
  });

  it('gives a completed job’s result and a failed job’s error with code and request_id', async () => {
    const [done, dead] = await push([{ external_id: 'crm-done' }, { external_id: 'crm-dead' }]);
    const worker = await runJobs((externalId) => {
      if (externalId === 'crm-done') return { intercomId: 'ic-1', action: 'created' };
      throw new UnrecoverableError(
        JSON.stringify({
          code: 'INTERCOM_REJECTED',
          message: 'Intercom answered 422',
          retryable: false,
          requestId: 'req-42',
          status: 422,
        }),
      );
    });
    try {
      await waitFor(
        async () => (await status(dead ?? '')).json().state,
        (state) => state === 'failed',
      );
    } finally {
      await worker.close();
    }
    expect((await status(done ?? '')).json()).toMatchObject({
      state: 'completed',
      attempts: 1,
      result: { intercomId: 'ic-1', action: 'created' },
      finishedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    expect((await status(dead ?? '')).json()).toMatchObject({
      state: 'failed',
      error: { code: 'INTERCOM_REJECTED', requestId: 'req-42', status: 422, retryable: false },
    });
  });

  it('never reports a job completed without the result it finished with, however a poll and the finish interleave', async () => {
    const jobIds = await push(
      Array.from({ length: 60 }, (_, n) => ({ external_id: `crm-interleave-${n}` })),
    );
    const worker = await runJobs(async (externalId) => {
      await new Promise((resolve) => setTimeout(resolve, 2));
      return { action: 'created', externalId };
    });
    const completedWithout: string[] = [];
    try {
      const pending = new Set(jobIds);
      while (pending.size > 0) {
        await Promise.all(
          [...pending].map(async (jobId) => {
            const body = (await status(jobId)).json();
            if (body.state !== 'completed') return;
            pending.delete(jobId);
            if (body.result === null) completedWithout.push(jobId);
          }),
        );
      }
    } finally {
      await worker.close();
    }
    expect(completedWithout).toEqual([]);
  });

  it('answers 404 for an unknown id, 400 for an impossible one, 401 without a token', async () => {
    const unknown = await status('contact-0000000000000000-unknown');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('NOT_FOUND');
    const impossible = await status('a:b');
    expect(impossible.statusCode).toBe(400);
    expect(impossible.json().error).toMatchObject({ code: 'PAYLOAD_INVALID' });
    expect((await status('x', null)).statusCode).toBe(401);
  });
});
