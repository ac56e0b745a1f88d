import fc from 'fast-check';
import type { InjectOptions } from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, CRM_TOKEN, OTHER_CRM_TOKEN, useTestApp, WHOLE_INGRESS } from '../test-app.ts';
import { expectClearAnswer } from './answers.ts';
import { headerValue } from './arbitraries.ts';
import { describeRequest, requestFor } from './requests.ts';
import { ROUTES, type RouteCase } from './routes.ts';

const PROTECTED = ROUTES.filter((route) => route.auth === 'crm' || route.auth === 'admin');
/** bull-board's pages and API, mutating ones included (read-only mode refuses those anyway). */
const DASHBOARD: (InjectOptions & { url: string })[] = [
  { method: 'GET', url: '/admin/ui' },
  { method: 'GET', url: '/admin/ui/' },
  { method: 'GET', url: '/admin/ui/api/queues' },
  { method: 'GET', url: '/admin/ui/api/redis/stats' },
  { method: 'PUT', url: '/admin/ui/api/queues/pause' },
  { method: 'PUT', url: '/admin/ui/api/queues/relay-sync/obliterate' },
  { method: 'POST', url: '/admin/ui/api/queues/relay-sync/add', payload: { name: 'x', data: {} } },
  { method: 'GET', url: '/admin/ui/static/nothing.js' },
];

const t = useTestApp(WHOLE_INGRESS);
let requests = 0;
afterAll(async () => {
  console.info(`auth requests: ${requests}`);
});

const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/** Authorization values that must be refused for a route whose token is `token`. */
function wrongCredentials(token: string, otherKind: string): fc.Arbitrary<string | undefined> {
  return fc.oneof(
    fc.constantFrom<string | undefined>(
      undefined,
      '',
      'Bearer',
      'Bearer ',
      `Bearer ${token.slice(0, -1)}`,
      `Bearer ${token}x`,
      `Bearer x${token}`,
      `Bearer ${token.toUpperCase()}`,
      `Bearer ${token} ${token}`,
      `Bearer ${token},Bearer ${token}`,
      `Bearer ${otherKind}`,
      `Bearer\u00a0${token}`,
      `Token ${token}`,
      token,
      `Basic ${Buffer.from(token).toString('base64')}`,
      basic(token, ''),
      basic('', `${token} `),
      `Digest ${token}`,
      `Bearer\f${token}`,
      `Bearer ${token}\u0085`,
    ),
    headerValue,
    headerValue.map((value) => `Bearer ${value.replace(/\s/g, '')}`),
    headerValue.map((value) => basic('admin', value)),
    fc
      .string({ unit: fc.constantFrom(...token), minLength: 1, maxLength: token.length + 2 })
      .filter((value) => value !== token)
      .map((value) => `Bearer ${value}`),
  );
}

async function send(request: InjectOptions & { url: string }) {
  const response = await t().app.inject(request);
  requests++;
  expectClearAnswer(response, describeRequest(request));
  return response;
}

function withAuthorization(route: RouteCase, value: string | undefined) {
  const request = requestFor(route, { auth: false });
  const headers = { ...(request.headers as Record<string, string>) };
  if (value !== undefined) headers.authorization = value;
  return { ...request, headers };
}

describe('the sync (/v1) and admin APIs', () => {
  it.each(PROTECTED.map((route) => [`${route.method} ${route.template}`, route] as const))(
    '%s refuses every wrong or missing token with 401 and stores nothing',
    async (_name, route) => {
      const token = route.auth === 'crm' ? CRM_TOKEN : ADMIN_TOKEN;
      const other = route.auth === 'crm' ? ADMIN_TOKEN : CRM_TOKEN;
      const keys = await t().keyCount();
      await fc.assert(
        fc.asyncProperty(wrongCredentials(token, other), async (authorization) => {
          const response = await send(withAuthorization(route, authorization));
          expect(response.statusCode, String(authorization)).toBe(401);
          expect(response.json().error.code).toBe('UNAUTHENTICATED');
        }),
        { seed: 20_250_703, numRuns: 80 },
      );
      expect(await t().keyCount()).toBe(keys);
    },
  );

  it.each(PROTECTED.map((route) => [`${route.method} ${route.template}`, route] as const))(
    '%s admits its own token in every accepted spelling',
    async (_name, route) => {
      const token = route.auth === 'crm' ? CRM_TOKEN : ADMIN_TOKEN;
      const spellings = [`Bearer ${token}`, `bearer ${token}`, `BEARER  ${token}`];
      if (route.auth === 'crm') spellings.push(`Bearer ${OTHER_CRM_TOKEN}`);
      if (route.auth === 'admin') spellings.push(basic('anyone', token), basic('', token));
      for (const authorization of spellings) {
        const response = await send(withAuthorization(route, authorization));
        expect(response.statusCode, authorization).toBe(route.status);
      }
    },
  );

  it.each(DASHBOARD.map((request) => [`${request.method} ${request.url}`, request] as const))(
    'bull-board %s refuses requests without the admin token',
    async (_name, request) => {
      for (const authorization of [undefined, `Bearer ${CRM_TOKEN}`, basic('admin', CRM_TOKEN)]) {
        const response = await send({
          ...request,
          headers: authorization === undefined ? {} : { authorization },
        });
        expect(response.statusCode).toBe(401);
      }
      const admitted = await send({
        ...request,
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      });
      expect(admitted.statusCode).not.toBe(401);
    },
  );
});
