import { createIntercomClient } from '@relay/intercom';
import { createContactDirectory, createContactState } from '@relay/sync';
import { useSimulator } from '@relay/testkit';
import { describe, expect, it } from 'vitest';
import { CRM_TOKEN, useTestApp } from './test-app.ts';

const sim = useSimulator();
const t = useTestApp({
  deps: ({ connection, prefix }) => ({
    contactCache: createContactDirectory({
      redis: connection,
      prefix,
      intercom: createIntercomClient({ baseUrl: sim.url, token: () => sim.token }),
      contacts: createContactState(connection, prefix),
      freshMs: 0, // every read goes through, so the outage below meets a stale copy
    }),
  }),
});

const read = (externalId: string) =>
  t().app.inject({
    method: 'GET',
    url: `/v1/contacts/${encodeURIComponent(externalId)}`,
    headers: { authorization: `Bearer ${CRM_TOKEN}` },
  });

describe('GET /v1/contacts/:externalId', () => {
  it('reads the contact through, serves it stale during an outage, and 404s an unknown one', async () => {
    await sim.api('POST', '/contacts', { external_id: 'crm-read', name: 'Ada', role: 'user' });
    const fresh = await read('crm-read');
    expect(fresh.statusCode).toBe(200);
    expect(fresh.json()).toMatchObject({
      stale: false,
      contact: { external_id: 'crm-read', name: 'Ada' },
    });

    await sim.control('POST', 'faults', { outage: true });
    try {
      const stale = await read('crm-read');
      expect(stale.statusCode).toBe(200);
      expect(stale.json()).toMatchObject({ stale: true, contact: { name: 'Ada' } });
      const none = await read('crm-never-seen');
      expect(none.statusCode).toBe(502);
      expect(none.json().error.code).toBe('INTERCOM_UNAVAILABLE');
    } finally {
      await sim.control('DELETE', 'faults');
    }
    const unknown = await read('crm-nobody');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('NOT_FOUND');
  });
});
