import { describe, expect, it } from 'vitest';
import { CRM_TOKEN, useTestApp } from './test-app.ts';

const app = useTestApp();

function push(payload: unknown) {
  return app().app.inject({
    method: 'POST',
    url: '/v1/companies',
    payload: payload as Record<string, unknown>,
    headers: { authorization: `Bearer ${CRM_TOKEN}` },
  });
}

describe('POST /v1/companies', () => {
  it('accepts valid companies and rejects invalid ones with their index and reason', async () => {
    const response = await push({
      companies: [
        { company_id: 'acme', name: 'Acme', plan: 'pro', size: 40, custom_attributes: { tier: 2 } },
        { name: 'no id' },
        { company_id: 'neg', size: -1 },
        { company_id: 'extra', color: 'blue' },
      ],
    });
    expect(response.statusCode).toBe(202);
    const body = response.json();
    expect(body.accepted.map((item: { index: number }) => item.index)).toEqual([0]);
    expect(body.rejected).toEqual([
      { index: 1, code: 'PAYLOAD_INVALID', message: 'companies[1]/company_id is required' },
      { index: 2, code: 'PAYLOAD_INVALID', message: 'companies[2]/size must be >= 0' },
      {
        index: 3,
        code: 'PAYLOAD_INVALID',
        message: expect.stringContaining('companies[3]'),
      },
    ]);
    const job = await app().queues.queue('sync').getJob(body.accepted[0].jobId);
    expect(job?.name).toBe('company.upsert');
  });

  it('points updates queued for one company at the job that will carry them', async () => {
    const first = (await push({ companies: [{ company_id: 'same', name: 'One' }] })).json();
    const second = (await push({ companies: [{ company_id: 'same', name: 'Two' }] })).json();
    expect(second.accepted[0].jobId).toBe(first.accepted[0].jobId);
  });
});
