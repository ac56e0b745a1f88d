import { waitFor } from '@relay/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { startWorkerHarness } from './worker-harness.ts';

let harness: Awaited<ReturnType<typeof startWorkerHarness>> | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

type SimEvents = { events: { event_name: string; user_id: string; metadata: unknown }[] };

describe('event.track through the SDK against the simulator', () => {
  it('records an event for the contact, once however often it is sent', async () => {
    harness = await startWorkerHarness();
    await harness.sim.api('POST', '/contacts', { external_id: 'crm-ev', role: 'user' });
    const event = {
      event_name: 'invoice-paid',
      external_id: 'crm-ev',
      created_at: 1_764_000_000,
      metadata: { amount: 42, currency: 'EUR', first: true },
    };
    const [first] = await harness.producer.enqueueEvents([event]);
    await harness.drained();
    const [again] = await harness.producer.enqueueEvents([event]);
    await harness.drained();
    expect(again?.ok && again.jobId).toBe(first?.ok && first.jobId);

    const { events } = await harness.sim.control<SimEvents>('GET', 'events');
    expect(events).toEqual([
      expect.objectContaining({
        event_name: 'invoice-paid',
        user_id: 'crm-ev',
        metadata: { amount: 42, currency: 'EUR', first: true },
      }),
    ]);
    const job = await harness.syncQueue.getJob(first?.ok ? first.jobId : '');
    expect(job?.returnvalue).toEqual({ tracked: true });
  });

  it('retries an event whose contact is not in Intercom yet, and records it once it is', async () => {
    harness = await startWorkerHarness();
    const [result] = await harness.producer.enqueueEvents([
      { event_name: 'signed-up', external_id: 'crm-late', created_at: 1_764_000_000 },
    ]);
    const jobId = result?.ok ? result.jobId : '';
    await waitFor(
      async () => (await harness?.syncQueue.getJob(jobId))?.attemptsMade ?? 0,
      (attempts) => attempts >= 1,
      10_000,
    );
    const waiting = await harness.syncQueue.getJob(jobId);
    expect(await waiting?.getState()).not.toBe('failed');
    expect(JSON.parse(waiting?.failedReason ?? '{}')).toMatchObject({
      code: 'INTERCOM_CONTACT_MISSING',
      retryable: true,
    });
    await harness.sim.api('POST', '/contacts', { external_id: 'crm-late', role: 'user' });
    await harness.drained(20_000);
    expect(await (await harness.syncQueue.getJob(jobId))?.getState()).toBe('completed');
    const { events } = await harness.sim.control<SimEvents>('GET', 'events');
    expect(events.map((event) => event.user_id)).toEqual(['crm-late']);
  });
});
