import { IntercomClient } from 'intercom-client';
import { describe, expect, it } from 'vitest';
import { createManualClock, token, useListeningSimulators } from './helpers.ts';
import { sdkErrorOf, useSdk } from './sdk/sdk-harness.ts';

describe('contacts through the real intercom-client SDK', () => {
  const sdk = useSdk('contacts');

  it('creates, finds, updates and deletes a contact', async () => {
    const { client, sim } = sdk;
    const created = await client.contacts.create({
      external_id: 'crm-1',
      email: 'ada@example.com',
    });
    expect(created.id).toMatch(/^[0-9a-f]{24}$/);
    expect(created.role).toBe('user');
    const found = await client.contacts.find({ contact_id: created.id });
    expect(found.external_id).toBe('crm-1');
    const updated = await client.contacts.update({
      contact_id: created.id,
      name: 'Ada',
      custom_attributes: { plan: 'pro' },
    });
    expect(updated.name).toBe('Ada');
    expect(updated.custom_attributes).toEqual({ plan: 'pro' });
    const deleted = await client.contacts.delete({ contact_id: created.id });
    expect(deleted).toEqual({
      type: 'contact',
      id: created.id,
      external_id: 'crm-1',
      deleted: true,
    });
    const journal = sim.state.journal.list().entries;
    expect(new Set(journal.map((e) => e.version))).toEqual(new Set(['2.14']));
    expect(journal[0]?.headers.authorization).not.toContain(token);
  });

  it('raises IntercomError 409 with the existing id in the message on a duplicate', async () => {
    const first = await sdk.client.contacts.create({ external_id: 'dup-1' });
    const error = await sdkErrorOf(sdk.client.contacts.create({ external_id: 'dup-1' }));
    expect(error.statusCode).toBe(409);
    const body = error.body as { errors: Array<{ code: string; message: string }> };
    expect(body.errors[0]?.message).toBe(
      `A contact matching those details already exists with id=${first.id}`,
    );
  });

  it('raises IntercomError 404 for an unknown contact', async () => {
    const missing = '0123456789abcdef01234567';
    const error = await sdkErrorOf(sdk.client.contacts.find({ contact_id: missing }));
    expect(error.statusCode).toBe(404);
  });

  it('pages through search results and the contact list with the SDK iterators', async () => {
    const { client } = sdk;
    for (let i = 0; i < 5; i++) await client.contacts.create({ external_id: `page-${i}` });
    const searched = await client.contacts.search({
      query: { field: 'external_id', operator: '^', value: 'page-' },
      pagination: { per_page: 2 },
    });
    const seen: string[] = [];
    for await (const contact of searched) seen.push(contact.external_id ?? '');
    expect(seen).toEqual(['page-0', 'page-1', 'page-2', 'page-3', 'page-4']);
    expect(searched.response.total_count).toBe(5);

    const listed = await client.contacts.list({ per_page: 2 });
    const all: string[] = [];
    for await (const contact of listed) all.push(contact.external_id ?? '');
    expect(all.filter((id) => id.startsWith('page-'))).toEqual(seen);
  });

  it('archives, unarchives, merges and finds by external_id', async () => {
    const { client } = sdk;
    const lead = await client.contacts.create({ role: 'lead', email: 'lead@example.com' });
    const user = await client.contacts.create({ external_id: 'u-1' });
    const archived = await client.contacts.archive({ contact_id: user.id });
    expect(archived).toMatchObject({ id: user.id, archived: true });
    const unarchived = await client.contacts.unarchive({ contact_id: user.id });
    expect(unarchived).toMatchObject({ id: user.id, archived: false });
    const merged = await client.contacts.mergeLeadInUser({ from: lead.id, into: user.id });
    expect(merged.id).toBe(user.id);
    expect(merged.email).toBe('lead@example.com');
    const byExternalId = await client.contacts.showContactByExternalId({ external_id: 'u-1' });
    expect(byExternalId.id).toBe(user.id);
  });

  sdk.checkRoutesCalled();
});

describe('rate-limit headers through the SDK', () => {
  const listen = useListeningSimulators();

  it('exposes the rate-limit headers through withRawResponse and 429 as IntercomError', async () => {
    const clock = createManualClock();
    const running = await listen({ rateLimit: 1, now: clock.now });
    const client = new IntercomClient({ token, baseUrl: running.baseUrl, maxRetries: 0 });
    const { rawResponse } = await client.admins.identify().withRawResponse();
    expect(rawResponse.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(rawResponse.headers.get('x-ratelimit-reset')).toBe(
      String(Math.ceil((clock.now() + 5_000) / 1000)),
    );
    const error = await sdkErrorOf(client.admins.identify());
    expect(error.statusCode).toBe(429);
    expect(error.rawResponse?.headers.get('x-ratelimit-limit')).toBe('1');
  });
});
