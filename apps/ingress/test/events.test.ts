import { describe, expect, it } from 'vitest';
import { CRM_TOKEN, useTestApp } from './test-app.ts';

const app = useTestApp();

function push(payload: unknown, token: string | null = CRM_TOKEN) {
  return app().app.inject({
    method: 'POST',
    url: '/v1/events',
    payload: payload as Record<string, unknown>,
    headers: token === null ? {} : { authorization: `Bearer ${token}` },
  });
}

const event = { event_name: 'invoice-paid', external_id: 'crm-1', created_at: 1_764_000_000 };

describe('POST /v1/events', () => {
  it('accepts valid events and rejects invalid ones with their index and reason', async () => {
    const tooMuchMetadata = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`k${i}`, i]));
    const response = await push({
      events: [
        { ...event, metadata: { amount: 42, paid: true, currency: 'EUR' } },
        { ...event, created_at: 'yesterday' },
        { ...event, metadata: tooMuchMetadata },
        { event_name: 'x', created_at: 1 },
        { ...event, id: 'crm-event-7', event_name: 'other' },
      ],
    });
    expect(response.statusCode).toBe(202);
    const body = response.json();
    expect(body.accepted.map((item: { index: number }) => item.index)).toEqual([0, 4]);
    expect(body.rejected).toEqual([
      { index: 1, code: 'PAYLOAD_INVALID', message: 'events[1]/created_at must be a whole number' },
      {
        index: 2,
        code: 'PAYLOAD_INVALID',
        message: 'events[2]/metadata must NOT have more than 10 properties',
      },
      { index: 3, code: 'PAYLOAD_INVALID', message: 'events[3]/external_id is required' },
    ]);
    const job = await app().queues.queue('sync').getJob(body.accepted[0].jobId);
    expect(job?.name).toBe('event.track');
    expect(job?.data.event).toMatchObject({ event_name: 'invoice-paid', external_id: 'crm-1' });
  });

  it('answers a re-sent event with the job that already carries it', async () => {
    const first = (await push({ events: [{ ...event, event_name: 'again' }] })).json();
    const second = (await push({ events: [{ ...event, event_name: 'again' }] })).json();
    expect(second.accepted[0].jobId).toBe(first.accepted[0].jobId);
    const withId = (
      await push({
        events: [
          { ...event, id: 'e-1' },
          { ...event, id: 'e-2' },
        ],
      })
    ).json();
    expect(withId.accepted[0].jobId).not.toBe(withId.accepted[1].jobId);
  });

  it('needs the CRM token and a JSON body with an events array', async () => {
    expect((await push({ events: [event] }, null)).statusCode).toBe(401);
    const empty = await push({ events: [] });
    expect(empty.statusCode).toBe(400);
    expect(empty.json().error.code).toBe('PAYLOAD_INVALID');
  });
});
