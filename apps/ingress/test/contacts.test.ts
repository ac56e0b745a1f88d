import { describe, expect, it } from 'vitest';
import { CRM_TOKEN, useTestApp } from './test-app.ts';

const app = useTestApp();

function push(payload: unknown, token: string | null = CRM_TOKEN) {
  return app().app.inject({
    method: 'POST',
    url: '/v1/contacts',
    payload: payload as Record<string, unknown>,
    headers: token === null ? {} : { authorization: `Bearer ${token}` },
  });
}

describe('POST /v1/contacts', () => {
  it('accepts valid items and rejects invalid ones with their index and reason', async () => {
    const response = await push({
      contacts: [
        { external_id: 'crm-1', email: 'ada@example.com', role: 'user' },
        { email: 'no-id@example.com' },
        { external_id: 'crm-3', email: 'not an email' },
        { external_id: 'crm-4', custom_attributes: { plan: 'pro', seats: 3 } },
        'not an object',
      ],
    });
    expect(response.statusCode).toBe(202);
    const body = response.json();
    expect(body.accepted.map((item: { index: number }) => item.index)).toEqual([0, 3]);
    expect(body.rejected).toEqual([
      { index: 1, code: 'PAYLOAD_INVALID', message: 'contacts[1]/external_id is required' },
      { index: 2, code: 'PAYLOAD_INVALID', message: 'contacts[2]/email must be a valid email' },
      { index: 4, code: 'PAYLOAD_INVALID', message: 'contacts[4]/ must be an object' },
    ]);
    for (const { jobId } of body.accepted as { jobId: string }[]) {
      const job = await app().queues.queue('sync').getJob(jobId);
      expect(job?.name).toBe('contact.upsert');
      expect(jobId).not.toContain('crm-');
    }
  });

  it('puts a batch marked ?lane=backfill in the backfill lane, behind interactive pushes', async () => {
    const bulk = await app().app.inject({
      method: 'POST',
      url: '/v1/contacts?lane=backfill',
      payload: { contacts: [{ external_id: 'crm-bulk-1' }] },
      headers: { authorization: `Bearer ${CRM_TOKEN}` },
    });
    expect(bulk.statusCode).toBe(202);
    const jobId = bulk.json().accepted[0].jobId;
    const status = await app().app.inject({
      method: 'GET',
      url: `/v1/jobs/${encodeURIComponent(jobId)}`,
      headers: { authorization: `Bearer ${CRM_TOKEN}` },
    });
    expect(status.json()).toMatchObject({ lane: 'backfill', name: 'contact.upsert' });
    const urgent = await app().app.inject({
      method: 'POST',
      url: '/v1/contacts?lane=erasure',
      payload: { contacts: [{ external_id: 'crm-bulk-2' }] },
      headers: { authorization: `Bearer ${CRM_TOKEN}` },
    });
    expect(urgent.statusCode).toBe(400);
    expect(urgent.json().error.code).toBe('PAYLOAD_INVALID');
  });

  it('requires the CRM bearer token', async () => {
    const none = await push({ contacts: [{ external_id: 'x' }] }, null);
    expect(none.statusCode).toBe(401);
    expect(none.json().error.code).toBe('UNAUTHENTICATED');
    const wrong = await push({ contacts: [{ external_id: 'x' }] }, 'crm-test-token-012345678X');
    expect(wrong.statusCode).toBe(401);
    const short = await push({ contacts: [{ external_id: 'x' }] }, 'x');
    expect(short.statusCode).toBe(401);
    // Before the body is looked at: a caller without the token learns nothing of the schema.
    const invalid = await push({ contacts: [] }, null);
    expect(invalid.statusCode).toBe(401);
  });

  it.each([
    [{}, 'body/contacts is required'],
    [{ contacts: [] }, 'body/contacts must NOT have fewer than 1 items'],
    [{ contacts: 'x' }, 'body/contacts must be an array'],
    [{ contacts: [{ external_id: 'x' }], extra: 1 }, 'body/extra is not a known field'],
  ])('answers 400 with the path for a bad envelope %j', async (payload, message) => {
    const response = await push(payload);
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('PAYLOAD_INVALID');
    expect(response.json().error.message).toContain(message);
  });

  it('refuses more than 1,000 items', async () => {
    const contacts = Array.from({ length: 1_001 }, (_, i) => ({ external_id: `crm-${i}` }));
    const response = await push({ contacts });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.message).toContain('must NOT have more than 1000 items');
  });

  it('accepts a full batch of 1,000 and stores each job', async () => {
    const contacts = Array.from({ length: 1_000 }, (_, i) => ({ external_id: `bulk-${i}` }));
    const response = await push({ contacts });
    expect(response.statusCode).toBe(202);
    expect(response.json().accepted).toHaveLength(1_000);
    expect(response.json().rejected).toEqual([]);
  });

  it('answers unknown routes with 404 in the error envelope', async () => {
    const response = await app().app.inject({ method: 'GET', url: '/v1/nope' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({
      error: { code: 'ROUTE_NOT_FOUND', message: 'no route for GET /v1/nope' },
    });
  });
});
