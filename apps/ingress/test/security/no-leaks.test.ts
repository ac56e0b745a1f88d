import { notificationFixture, signWebhook } from '@relay/testkit';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { CRM_TOKEN, useTestApp, WEBHOOK_SECRET, WHOLE_INGRESS } from '../test-app.ts';
import { expectClearAnswer } from './answers.ts';

/** Values planted in requests; no answer and no metric may carry any of them back. */
const PLANTED = {
  token: 'planted-token-Zq8XvY2mK4pL9wR',
  intercomToken: 'dG9rOmFiY2RlZl8xMjM0NTY3ODkwX2FiY2RlZg==',
  email: 'planted.person@example.org',
  phone: '+447700900123',
  name: 'Plantedina Persona',
};
const values = Object.values(PLANTED);
const { token, email, phone, name } = PLANTED;
const crm = { authorization: `Bearer ${CRM_TOKEN}` };
const enc = encodeURIComponent;

/** Every way a planted value could ride into an answer: headers, paths, queries and bodies. */
const REQUESTS: (InjectOptions & { url: string })[] = [
  // credentials
  { method: 'GET', url: '/v1/erasures', headers: { authorization: `Bearer ${token}` } },
  {
    method: 'GET',
    url: '/v1/erasures',
    headers: { authorization: `Basic ${Buffer.from(`${email}:${token}`).toString('base64')}` },
  },
  { method: 'GET', url: '/v1/erasures', headers: { authorization: token } },
  { method: 'GET', url: '/admin/queues', headers: { authorization: `Bearer ${token}` } },
  {
    method: 'GET',
    url: '/admin/queues',
    headers: { authorization: `Basic ${Buffer.from(`${email}:${token}`).toString('base64')}` },
  },
  {
    method: 'POST',
    url: '/webhooks/intercom',
    payload: JSON.stringify({ email, token }),
    headers: { 'content-type': 'application/json', 'x-hub-signature': `sha1=${token}` },
  },
  {
    method: 'GET',
    url: '/healthz',
    headers: { cookie: `session=${token}`, 'x-forwarded-for': email, 'user-agent': name },
  },
  // paths and queries
  { method: 'GET', url: `/${token}`, headers: crm },
  { method: 'GET', url: `/v1/${enc(email)}`, headers: crm },
  { method: 'GET', url: `/v1/contacts/${enc(email)}/${token}`, headers: crm },
  { method: 'GET', url: `/v1/jobs/${token}`, headers: crm },
  { method: 'GET', url: `/v1/jobs/${enc(email)}`, headers: crm },
  { method: 'GET', url: `/v1/contacts/${enc(email)}`, headers: crm },
  { method: 'GET', url: `/v1/contacts/${'x'.repeat(300)}${enc(email)}`, headers: crm },
  { method: 'GET', url: `/v1/contacts/%E0%A4%A${token}`, headers: crm },
  { method: 'GET', url: `/v1/contacts/${'x'.repeat(1_100)}${token}`, headers: crm },
  { method: 'DELETE', url: `/v1/contacts/${'x'.repeat(300)}${token}`, headers: crm },
  { method: 'POST', url: `/v1/contacts/${enc(email)}/archive`, headers: crm },
  { method: 'GET', url: `/v1/erasures?externalId=${enc(email)}&limit=${token}`, headers: crm },
  { method: 'GET', url: `/v1/erasures?externalId=${enc(email)}&externalId=${token}`, headers: crm },
  {
    method: 'GET',
    url: `/v1/admins/${token}/conversations?state=${enc(email)}&limit=${phone}`,
    headers: crm,
  },
  {
    method: 'POST',
    url: `/v1/conversations/${enc(email)}/reply`,
    payload: { admin_id: '1', body: name },
    headers: crm,
  },
  { method: 'GET', url: `/admin/queues/${token}`, headers: { authorization: `Bearer ${token}` } },
  // bodies
  {
    method: 'POST',
    url: '/v1/contacts',
    payload: {
      contacts: [
        { external_id: 'ok-1', email: `${name} <${email}>`, phone: `${phone}${'9'.repeat(70)}` },
      ],
    },
    headers: crm,
  },
  {
    method: 'POST',
    url: '/v1/contacts',
    payload: { contacts: [{ external_id: 'ok-2', role: email, name: { first: name } }] },
    headers: crm,
  },
  {
    method: 'POST',
    url: '/v1/contacts',
    payload: { contacts: [{ external_id: 'ok-3', custom_attributes: { plan: 7, seats: email } }] },
    headers: crm,
  },
  { method: 'POST', url: '/v1/contacts', payload: { contacts: email }, headers: crm },
  {
    method: 'POST',
    url: '/v1/contacts',
    payload: `{"contacts":[{"external_id":"${email}"`,
    headers: { ...crm, 'content-type': 'application/json' },
  },
  {
    method: 'POST',
    url: '/v1/contacts',
    payload: `{"contacts":[],"${token}":1,"__proto__":{"x":"${email}"}}`,
    headers: { ...crm, 'content-type': 'application/json' },
  },
  {
    method: 'POST',
    url: '/v1/contacts',
    payload: `contacts=${email}`,
    headers: { ...crm, 'content-type': 'application/x-www-form-urlencoded' },
  },
  {
    method: 'POST',
    url: '/v1/contacts',
    payload: email,
    headers: { ...crm, 'content-type': 'text/plain' },
  },
  {
    method: 'POST',
    url: '/v1/companies',
    payload: { companies: [{ company_id: email, size: phone }] },
    headers: crm,
  },
  {
    method: 'POST',
    url: '/v1/events',
    payload: { events: [{ event_name: name, external_id: email, created_at: phone }] },
    headers: crm,
  },
  {
    method: 'POST',
    url: '/v1/contacts/merge',
    payload: { lead_external_id: email, user_external_id: email },
    headers: crm,
  },
  {
    method: 'POST',
    url: '/v1/articles',
    payload: { title: name, author_id: email },
    headers: { ...crm, 'idempotency-key': `${token}${'k'.repeat(300)}` },
  },
  {
    method: 'POST',
    url: '/v1/cache/contacts/warm',
    payload: { external_ids: [email, ''] },
    headers: crm,
  },
  {
    method: 'POST',
    url: '/admin/queues/sync/drain',
    payload: { confirm: email },
    headers: { authorization: `Bearer ${token}` },
  },
  {
    method: 'POST',
    url: '/v1/contacts',
    payload: { contacts: [{ external_id: 'ok-4' }], extra: 'x'.repeat(17 * 1024 * 1024) + email },
    headers: crm,
  },
];

const t = useTestApp(WHOLE_INGRESS);
const answers: { request: string; response: LightMyRequestResponse }[] = [];
beforeAll(async () => {
  for (const request of REQUESTS) {
    answers.push({
      request: `${request.method} ${request.url.slice(0, 80)}`,
      response: await t().app.inject(request),
    });
  }
  // A signed webhook carrying personal data is accepted: its data must not reach metrics.
  const text = JSON.stringify(
    notificationFixture({ item: { type: 'contact', email, name, phone } }),
  );
  await t().app.inject({
    method: 'POST',
    url: '/webhooks/intercom',
    payload: text,
    headers: {
      'content-type': 'application/json',
      'x-hub-signature': signWebhook(text, WEBHOOK_SECRET),
    },
  });
});

/** The value and the ways an answer could spell it (URL-encoded, JSON-escaped, any case). */
function spellings(value: string): string[] {
  return [value, enc(value), JSON.stringify(value).slice(1, -1), value.split('@')[0] ?? value].map(
    (spelling) => spelling.toLowerCase(),
  );
}

function expectNothingPlanted(text: string, where: string) {
  const lower = text.toLowerCase();
  for (const value of values) {
    for (const spelling of spellings(value))
      expect(lower.includes(spelling), `${where} carries ${spelling}`).toBe(false);
  }
}

describe('answers to requests carrying planted tokens and personal data', () => {
  it('are clear refusals or normal answers', () => {
    for (const { request, response } of answers) expectClearAnswer(response, request);
    expect(answers.filter(({ response }) => response.statusCode >= 400).length).toBeGreaterThan(30);
  });

  it('carry none of them in the body or the headers', () => {
    for (const { request, response } of answers) {
      expectNothingPlanted(response.body, `${request} → ${response.statusCode} body`);
      expectNothingPlanted(JSON.stringify(response.headers), `${request} → headers`);
    }
  });

  it('leave none of them in /metrics', async () => {
    const metrics = await t().app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.statusCode).toBe(200);
    expect(metrics.body).toContain('http_request_duration_seconds');
    expectNothingPlanted(metrics.body, '/metrics');
  });
});
