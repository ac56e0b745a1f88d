import { describe, expect, it } from 'vitest';
import { CRM_TOKEN, useTestApp } from './test-app.ts';

const app = useTestApp();
const auth = { authorization: `Bearer ${CRM_TOKEN}` };

describe('DELETE /v1/contacts/:externalId and GET /v1/erasures', () => {
  it('answers 202 with the erasure job, queued in the erasure lane', async () => {
    const response = await app().app.inject({
      method: 'DELETE',
      url: `/v1/contacts/${encodeURIComponent('ada@example.com')}`,
      headers: auth,
    });
    expect(response.statusCode).toBe(202);
    const { jobId } = response.json();
    expect(jobId).toMatch(/^erase-[0-9a-f]{16}-/);
    expect(response.body).not.toContain('ada@example.com');
  });

  it('lists the audit trail, filtered by contact, with a bounded limit', async () => {
    const response = await app().app.inject({
      method: 'GET',
      url: '/v1/erasures?externalId=crm-1&limit=10',
      headers: auth,
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ erasures: [] });
    const badLimit = await app().app.inject({
      method: 'GET',
      url: '/v1/erasures?limit=0',
      headers: auth,
    });
    expect(badLimit.statusCode).toBe(400);
    expect(badLimit.json().error.message).toContain('limit');
  });

  it('rejects an external id over 255 characters and a request without the token', async () => {
    const tooLong = await app().app.inject({
      method: 'DELETE',
      url: `/v1/contacts/${'x'.repeat(256)}`,
      headers: auth,
    });
    expect(tooLong.statusCode).toBe(400);
    expect(tooLong.json().error.code).toBe('PAYLOAD_INVALID');
    const absurd = await app().app.inject({
      method: 'DELETE',
      url: `/v1/contacts/${'x'.repeat(2_000)}`,
      headers: auth,
    });
    expect(absurd.statusCode).toBe(400);
    expect(absurd.json().error).toMatchObject({ code: 'PAYLOAD_INVALID' });
    const longButValid = await app().app.inject({
      method: 'DELETE',
      url: `/v1/contacts/${encodeURIComponent('é'.repeat(255))}`,
      headers: auth,
    });
    expect(longButValid.statusCode).toBe(202);
    const anonymous = await app().app.inject({ method: 'DELETE', url: '/v1/contacts/crm-1' });
    expect(anonymous.statusCode).toBe(401);
  });
});

describe('POST /v1/contacts/merge, /:externalId/archive and /unarchive', () => {
  it('queues a merge, an archive and an unarchive, and refuses a merge of a contact into itself', async () => {
    const merge = await app().app.inject({
      method: 'POST',
      url: '/v1/contacts/merge',
      headers: auth,
      payload: { lead_external_id: 'crm-lead', user_external_id: 'crm-user' },
    });
    expect(merge.statusCode).toBe(202);
    expect(merge.json().jobId).toMatch(/^contact-[0-9a-f]{16}-merge-/);
    for (const verb of ['archive', 'unarchive']) {
      const response = await app().app.inject({
        method: 'POST',
        url: `/v1/contacts/crm-1/${verb}`,
        headers: auth,
      });
      expect(response.statusCode).toBe(202);
    }
    const self = await app().app.inject({
      method: 'POST',
      url: '/v1/contacts/merge',
      headers: auth,
      payload: { lead_external_id: 'same', user_external_id: 'same' },
    });
    expect(self.statusCode).toBe(400);
    const missing = await app().app.inject({
      method: 'POST',
      url: '/v1/contacts/merge',
      headers: auth,
      payload: { lead_external_id: 'only-lead' },
    });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.code).toBe('PAYLOAD_INVALID');
  });
});
