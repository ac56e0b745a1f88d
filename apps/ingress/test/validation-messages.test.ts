import { QueueNames } from '@relay/jobs';
import { useRedis } from '@relay/testkit';
import { Queue } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { CRM_TOKEN, useTestApp } from './test-app.ts';

/** Bad input over a real socket: each answer says where the problem is and what is allowed. */
const redis = useRedis();
const t = useTestApp({ redis, listen: true });

type Answer = {
  error: { code: string; message: string; details?: unknown };
  accepted: { index: number; jobId: string }[];
  rejected: { index: number; code: string; message: string }[];
};

async function post(path: string, body: unknown) {
  const response = await fetch(`${t().baseUrl}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${CRM_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Answer };
}

describe('?lane on POST /v1/contacts (and /v1/companies)', () => {
  it('puts a batch sent with ?lane=backfill in the backfill lane, and the default in sync', async () => {
    const backfill = await post('/v1/contacts?lane=backfill', {
      contacts: [{ external_id: 'crm-bulk' }],
    });
    expect(backfill.status).toBe(202);
    const interactive = await post('/v1/contacts', { contacts: [{ external_id: 'crm-live' }] });
    expect(interactive.status).toBe(202);

    const lane = (name: string) => {
      const queue = new Queue(name, { connection: { url: redis.url }, prefix: redis.prefix });
      return queue;
    };
    const [backfillQueue, syncQueue] = [lane(QueueNames.backfill), lane(QueueNames.sync)];
    try {
      expect(await backfillQueue.getJob(backfill.body.accepted[0]?.jobId ?? '')).toBeDefined();
      expect(await syncQueue.getJob(interactive.body.accepted[0]?.jobId ?? '')).toBeDefined();
    } finally {
      await Promise.all([backfillQueue.close(), syncQueue.close()]);
    }
  });

  it.each([
    ['/v1/contacts', { contacts: [{ external_id: 'x' }] }],
    ['/v1/companies', { companies: [{ company_id: 'x' }] }],
  ])(
    '%s?lane=bulk is a 400 naming the query parameter and its values, not body/lane',
    async (path, body) => {
      const answer = await post(`${path}?lane=bulk`, body);
      expect(answer.status).toBe(400);
      expect(answer.body.error).toEqual({
        code: 'PAYLOAD_INVALID',
        message: '?lane must be "sync" or "backfill"',
        details: { in: 'querystring', path: '/lane' },
      });
    },
  );

  it('an unknown query parameter is named as one', async () => {
    const answer = await post('/v1/contacts?priority=high', { contacts: [{ external_id: 'x' }] });
    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toBe('?priority is not a known field');
  });
});

describe('choices in bodies and items', () => {
  it('names the allowed values of a union, in a batch item and in a body', async () => {
    const contacts = await post('/v1/contacts', {
      contacts: [
        { external_id: 'crm-role', role: 'admin' },
        { external_id: 'crm-attr', custom_attributes: { seats: { many: true } } },
      ],
    });
    expect(contacts.status).toBe(202);
    expect(contacts.body.rejected).toEqual([
      { index: 0, code: 'PAYLOAD_INVALID', message: 'contacts[0]/role must be "user" or "lead"' },
      {
        index: 1,
        code: 'PAYLOAD_INVALID',
        message:
          'contacts[1]/custom_attributes/seats must be a string, a number, a boolean or null',
      },
    ]);

    const article = await post('/v1/articles', { title: 'Returns', author_id: 1, state: 'live' });
    expect(article.status).toBe(400);
    expect(article.body.error.message).toBe('body/state must be "draft" or "published"');
  });
});
