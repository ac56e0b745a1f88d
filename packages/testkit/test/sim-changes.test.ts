import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimulatorRefusal } from '../src/sim-changes.ts';
import { useSimulator } from '../src/simulator.ts';

/**
 * The typed change and webhook-fault helpers against the simulator as a process: each call
 * reaches its route, answers the typed shape, and sends the topic it promises.
 */
const topicsReceived: string[] = [];
const receiver = createServer((request, response) => {
  let body = '';
  request.on('data', (chunk: Buffer) => {
    body += chunk.toString();
  });
  request.on('end', () => {
    topicsReceived.push((JSON.parse(body) as { topic: string }).topic);
    response.writeHead(200).end();
  });
});
beforeAll(() => new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve)));
afterAll(() => new Promise<void>((resolve) => receiver.close(() => resolve())));
const receiverUrl = () => `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;

describe('simChanges and simWebhookFaults', () => {
  const sim = useSimulator(() => ['--webhook-url', receiverUrl(), '--random-seed', '3']);

  it("make each change on Intercom's side, with its webhook", async () => {
    const { changes } = sim;
    const lead = await changes.createLead({ email: 'lead@example.com' });
    const user = await changes.createUser({ external_id: 'crm-1', name: 'Ann' });
    expect([lead.role, user.role, user.name]).toEqual(['lead', 'user', 'Ann']);
    const edited = await changes.editContact(user.id, { custom_attributes: { plan: 'pro' } });
    expect(edited.custom_attributes).toEqual({ plan: 'pro' });
    expect((await changes.tag(user.id, 'vip')).tags.total_count).toBe(1);
    expect((await changes.untag(user.id, 'vip')).tags.total_count).toBe(0);
    const company = await changes.upsertCompany({ company_id: 'acme', name: 'Acme' });
    expect(company).toMatchObject({ type: 'company', company_id: 'acme', name: 'Acme' });
    expect((await changes.editCompany(company.id, { plan: 'gold' })).plan).toMatchObject({
      name: 'gold',
    });
    expect((await changes.attachCompany(user.id, 'acme')).companies.data).toMatchObject([
      { id: company.id },
    ]);
    expect((await changes.detachCompany(user.id, company.id)).companies.total_count).toBe(0);
    expect((await changes.merge(lead.id, user.id)).email).toBe('lead@example.com');
    await changes.archive(user.id);
    await changes.unarchive(user.id);
    expect(await changes.deleteCompany(company.id)).toMatchObject({ deleted: true });
    expect(await changes.deleteContact(user.id)).toEqual({
      type: 'contact',
      id: user.id,
      external_id: 'crm-1',
      deleted: true,
    });

    const emitted = (await sim.webhooks()).emitted;
    await expect.poll(() => topicsReceived.length).toBe(emitted);
    expect(new Set(topicsReceived)).toEqual(
      new Set([
        'contact.lead.created',
        'contact.user.created',
        'contact.user.updated',
        'contact.tag.created',
        'contact.tag.deleted',
        'company.created',
        'company.updated',
        'company.contact.attached',
        'company.contact.detached',
        'contact.merged',
        'contact.archived',
        'company.deleted',
        'contact.deleted',
      ]),
    );
  });

  it('throw a SimulatorRefusal with the status and code when refused', async () => {
    const refusal = await sim.changes.editContact('nobody', { name: 'x' }).catch((e) => e);
    expect(refusal).toBeInstanceOf(SimulatorRefusal);
    expect(refusal).toMatchObject({ status: 404, code: 'not_found' });
  });

  it('set, read and clear webhook faults; lost notifications are listed', async () => {
    const { webhookFaults } = sim;
    expect(await webhookFaults.set({ dropShare: 1 })).toEqual({
      dropShare: 1,
      reorderShare: 0,
      reorderDelayMs: 300,
    });
    await sim.changes.createLead();
    const webhooks = await sim.webhooks();
    expect(webhooks.lost).toBe(1);
    expect(webhooks.lostIds).toHaveLength(1);
    expect((await webhookFaults.clear()).dropShare).toBe(0);
    expect(await webhookFaults.get()).toMatchObject({ dropShare: 0 });
  });
});
