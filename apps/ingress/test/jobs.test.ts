import type { AddressInfo } from 'node:net';
import { QueueNames } from '@relay/jobs';
import { useRedis, waitFor } from '@relay/testkit';
import { UnrecoverableError, Worker } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { CRM_TOKEN, useTestApp } from './test-app.ts';

const redis = useRedis();
const t = useTestApp({ redis });

async function push(contacts: unknown[]): Promise<string[]> {
  const response = await t().app.inject({
    method: 'POST',
    url: '/v1/contacts',
    payload: { contacts },
    headers: { authorization: `Bearer ${CRM_TOKEN}` },
  });
  return response.json().accepted.map((item: { jobId: string }) => item.jobId);
}

function status(jobId: string, token: string | null = CRM_TOKEN) {
  return t().app.inject({
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

  it('answers 404 for a well-formed id with no job, 400 naming the shape for an id the relay cannot have made, 401 without a token (over HTTP)', async () => {
    await t().app.listen({ host: '127.0.0.1', port: 0 });
    const base = `http://127.0.0.1:${(t().app.server.address() as AddressInfo).port}`;
    const get = async (jobId: string, token: string | null = CRM_TOKEN) => {
      const response = await fetch(`${base}/v1/jobs/${encodeURIComponent(jobId)}`, {
        headers: token === null ? {} : { authorization: `Bearer ${token}` },
      });
      return { status: response.status, body: (await response.json()) as ErrorAnswer };
    };

    for (const id of ['contact-0000000000000000-gone', `webhook-${'n'.repeat(200)}`]) {
      const unknown = await get(id);
      expect(unknown.status, id).toBe(404);
      expect(unknown.body.error.code).toBe('NOT_FOUND');
    }
    for (const id of ['nope', 'crm-42', 'a:b', 'contact-', 'contacts-1', 'contact-a b']) {
      const impossible = await get(id);
      expect(impossible.status, id).toBe(400);
      expect(impossible.body.error).toEqual({
        code: 'PAYLOAD_INVALID',
        message:
          'jobId must have the shape of the jobId an accepted item was answered with: <kind>-<letters, digits, "-", "_" or ".">, where kind is contact, company, event, erase, warm, conversation, article, webhook',
        details: { in: 'params', path: '/jobId' },
      });
    }
    expect((await get('contact-0000000000000000-gone', null)).status).toBe(401);
  });
});

type ErrorAnswer = { error: { code: string; message: string; details?: unknown } };
