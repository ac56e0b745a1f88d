import { IntercomClient, IntercomError } from 'intercom-client';
import { afterEach, describe, expect, it } from 'vitest';
import type { SimulatorOptions } from '../src/options.ts';
import { createManualClock, startSimulator, token } from './helpers.ts';

describe('the real intercom-client SDK against the simulator', () => {
  let running: Awaited<ReturnType<typeof startSimulator>> | undefined;
  afterEach(() => running?.close());

  async function connect(options: SimulatorOptions = {}) {
    running = await startSimulator(options);
    const client = new IntercomClient({ token, baseUrl: running.baseUrl, maxRetries: 0 });
    return { client, sim: running };
  }

  async function errorOf(promise: Promise<unknown>): Promise<IntercomError> {
    const error = await promise.then(
      () => undefined,
      (err: unknown) => err,
    );
    if (!(error instanceof IntercomError))
      throw new Error(`expected an IntercomError, got ${String(error)}`);
    return error;
  }

  it('identifies the admin and its workspace', async () => {
    const { client } = await connect({ workspaceId: 'ws-sdk' });
    const me = await client.admins.identify();
    expect(me?.app?.id_code).toBe('ws-sdk');
    const admins = await client.admins.list();
    expect(admins.admins?.length).toBe(1);
  });

  it('creates, finds, updates and deletes a contact', async () => {
    const { client, sim } = await connect();
    const created = await client.contacts.create({
      external_id: 'crm-1',
      email: 'ada@example.com',
    });
    expect(created.id).toMatch(/^[0-9a-f]{24}$/);
    const found = await client.contacts.find({ contact_id: created.id });
    expect(found.external_id).toBe('crm-1');
    const updated = await client.contacts.update({
      contact_id: created.id,
      name: 'Ada',
      custom_attributes: { plan: 'pro' },
    });
    expect(updated.name).toBe('Ada');
    const deleted = await client.contacts.delete({ contact_id: created.id });
    expect(deleted).toEqual({
      type: 'contact',
      id: created.id,
      external_id: 'crm-1',
      deleted: true,
    });
    const journal = sim.state.journal.list().entries;
    expect(journal.map((e) => e.version)).toEqual(['2.14', '2.14', '2.14', '2.14']);
    expect(journal[0]?.headers.authorization).not.toContain(token);
  });

  it('raises IntercomError 409 with the existing id in the message on a duplicate', async () => {
    const { client } = await connect();
    const first = await client.contacts.create({ external_id: 'crm-1' });
    const error = await errorOf(client.contacts.create({ external_id: 'crm-1' }));
    expect(error.statusCode).toBe(409);
    const body = error.body as { errors: Array<{ code: string; message: string }> };
    expect(body.errors[0]?.message).toBe(
      `A contact matching those details already exists with id=${first.id}`,
    );
  });

  it('raises IntercomError 404 for an unknown contact', async () => {
    const { client } = await connect();
    const error = await errorOf(client.contacts.find({ contact_id: '0123456789abcdef01234567' }));
    expect(error.statusCode).toBe(404);
  });

  it('pages through search results with the SDK iterator', async () => {
    const { client } = await connect();
    for (let i = 0; i < 5; i++) await client.contacts.create({ external_id: `crm-${i}` });
    const page = await client.contacts.search({
      query: { field: 'external_id', operator: '^', value: 'crm-' },
      pagination: { per_page: 2 },
    });
    const seen: string[] = [];
    for await (const contact of page) seen.push(contact.external_id ?? '');
    expect(seen).toEqual(['crm-0', 'crm-1', 'crm-2', 'crm-3', 'crm-4']);
  });

  it('exposes the rate-limit headers through withRawResponse and 429 as IntercomError', async () => {
    const clock = createManualClock();
    const { client } = await connect({ rateLimit: 1, now: clock.now });
    const { rawResponse } = await client.admins.identify().withRawResponse();
    expect(rawResponse.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(rawResponse.headers.get('x-ratelimit-reset')).toBe(
      String(Math.ceil((clock.now() + 5_000) / 1000)),
    );
    const error = await errorOf(client.admins.identify());
    expect(error.statusCode).toBe(429);
    expect(error.rawResponse?.headers.get('x-ratelimit-limit')).toBe('1');
  });

  it('archives, unarchives and merges through the SDK', async () => {
    const { client } = await connect();
    const lead = await client.contacts.create({ role: 'lead', email: 'lead@example.com' });
    const user = await client.contacts.create({ external_id: 'u-1' });
    expect((await client.contacts.archive({ contact_id: user.id })).archived).toBe(true);
    expect((await client.contacts.unarchive({ contact_id: user.id })).archived).toBe(false);
    const merged = await client.contacts.mergeLeadInUser({ from: lead.id, into: user.id });
    expect(merged.email).toBe('lead@example.com');
    const byExternalId = await client.contacts.showContactByExternalId({ external_id: 'u-1' });
    expect(byExternalId.id).toBe(user.id);
  });
});
