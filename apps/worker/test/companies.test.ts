import { afterEach, describe, expect, it } from 'vitest';
import { startWorkerHarness } from './worker-harness.ts';

let harness: Awaited<ReturnType<typeof startWorkerHarness>> | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

type CompanyList = { data: { id: string; company_id: string; name: string; plan?: unknown }[] };

describe('companies through the SDK against the simulator', () => {
  it('creates a company, updates it by company_id, and makes no call for the same data', async () => {
    harness = await startWorkerHarness();
    const [created] = await harness.producer.enqueueCompanyUpserts([
      { company_id: 'acme', name: 'Acme', size: 40 },
    ]);
    await harness.drained();
    const [updated] = await harness.producer.enqueueCompanyUpserts([
      { company_id: 'acme', name: 'Acme Inc', size: 40 },
    ]);
    await harness.drained();
    const before = await harness.simCalls();
    const [same] = await harness.producer.enqueueCompanyUpserts([
      { company_id: 'acme', name: 'Acme Inc', size: 40 },
    ]);
    await harness.drained();
    expect(await harness.simCalls()).toBe(before);

    const results = await Promise.all(
      [created, updated, same].map(
        async (result) =>
          (await harness?.syncQueue.getJob(result?.ok ? result.jobId : ''))?.returnvalue,
      ),
    );
    expect(results.map((result) => result.action)).toEqual(['upserted', 'upserted', 'unchanged']);
    const list = await harness.sim.api<CompanyList>('GET', '/companies?company_id=acme');
    expect(list.data).toEqual([expect.objectContaining({ company_id: 'acme', name: 'Acme Inc' })]);
    expect(results[0].intercomId).toBe(list.data[0]?.id);
  });

  it('attaches a contact to its companies, creating a company Intercom does not have yet', async () => {
    harness = await startWorkerHarness();
    await harness.producer.enqueueContactUpserts([
      {
        external_id: 'crm-emp',
        name: 'Grace',
        companies: [{ company_id: 'navy', name: 'US Navy' }, { company_id: 'harvard' }],
      },
    ]);
    await harness.drained();
    const [contact] = await harness.simContacts();
    const attached = await harness.sim.api<{ companies: CompanyList['data'] }>(
      'GET',
      `/contacts/${contact?.id}/companies`,
    );
    expect(attached.companies.map((company) => company.company_id).sort()).toEqual([
      'harvard',
      'navy',
    ]);
    expect(attached.companies.find((company) => company.company_id === 'navy')?.name).toBe(
      'US Navy',
    );
  });

  it('detaches a company the CRM dropped, and makes no call when the list is unchanged', async () => {
    harness = await startWorkerHarness();
    const contact = { external_id: 'crm-mover', name: 'Mover' };
    await harness.producer.enqueueContactUpserts([
      { ...contact, companies: [{ company_id: 'old-co' }, { company_id: 'new-co' }] },
    ]);
    await harness.drained();
    await harness.producer.enqueueContactUpserts([
      { ...contact, companies: [{ company_id: 'new-co' }] },
    ]);
    await harness.drained();
    const [synced] = await harness.simContacts();
    const attached = await harness.sim.api<{ companies: { company_id: string }[] }>(
      'GET',
      `/contacts/${synced?.id}/companies`,
    );
    expect(attached.companies.map((company) => company.company_id)).toEqual(['new-co']);

    const before = await harness.simCalls();
    await harness.producer.enqueueContactUpserts([
      { ...contact, companies: [{ company_id: 'new-co' }] },
    ]);
    await harness.drained();
    expect(await harness.simCalls()).toBe(before);
  });
});
