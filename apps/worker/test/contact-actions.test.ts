import { afterEach, describe, expect, it } from 'vitest';
import { startWorkerHarness } from './worker-harness.ts';

let harness: Awaited<ReturnType<typeof startWorkerHarness>> | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

function outcome(jobId: string) {
  return (harness as NonNullable<typeof harness>).settled('sync', jobId, 10_000);
}

type SimEntry = { contact: { id: string; external_id: string | null }; archived: boolean };

describe('merge and archive', () => {
  it('merges a lead into a user, and a second merge finds it already done', async () => {
    harness = await startWorkerHarness();
    const lead = await harness.sim.api<{ id: string }>('POST', '/contacts', {
      role: 'lead',
      external_id: 'crm-lead',
      email: 'lead@example.com',
    });
    const user = await harness.sim.api<{ id: string }>('POST', '/contacts', {
      role: 'user',
      external_id: 'crm-user',
    });
    const request = { lead_external_id: 'crm-lead', user_external_id: 'crm-user' };
    const first = await outcome((await harness.producer.enqueueMerge(request)).jobId);
    expect(first).toMatchObject({
      state: 'completed',
      result: { intercomId: user.id, action: 'merged' },
    });
    const ids = (
      await harness.sim.control<{ contacts: SimEntry[] }>('GET', 'contacts')
    ).contacts.map((entry) => entry.contact.id);
    expect(ids).toEqual([user.id]);
    expect(ids).not.toContain(lead.id);
    expect(await harness.contacts.intercomId('crm-user')).toBe(user.id);
    expect(await harness.contacts.intercomId('crm-lead')).toBeUndefined();

    const again = await outcome((await harness.producer.enqueueMerge(request)).jobId);
    expect(again).toMatchObject({ state: 'completed', result: { action: 'already_merged' } });
  });

  it('archives and unarchives a contact, and fails at once for one Intercom does not have', async () => {
    harness = await startWorkerHarness();
    await harness.sim.api('POST', '/contacts', { role: 'user', external_id: 'crm-arch' });
    const archived = await outcome((await harness.producer.enqueueArchive('crm-arch', true)).jobId);
    expect(archived).toMatchObject({ state: 'completed', result: { archived: true } });
    const entries = async () =>
      (await harness?.sim.control<{ contacts: SimEntry[] }>('GET', 'contacts'))?.contacts ?? [];
    expect((await entries())[0]?.archived).toBe(true);
    await outcome((await harness.producer.enqueueArchive('crm-arch', false)).jobId);
    expect((await entries())[0]?.archived).toBe(false);

    const missing = await outcome(
      (await harness.producer.enqueueArchive('crm-nobody', true)).jobId,
    );
    expect(missing.state).toBe('failed');
    expect(JSON.parse(missing.reason ?? '{}')).toMatchObject({
      code: 'INTERCOM_REJECTED',
      status: 404,
    });
  });
});
