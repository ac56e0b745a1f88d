import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { useTestApp, WHOLE_INGRESS } from '../test-app.ts';
import { expectClearAnswer, prototypeSnapshot, unpolluted } from './answers.ts';
import { contentType, headerValue, pathSegment, queryString } from './arbitraries.ts';
import { describeRequest, requestFor, rightAuth } from './requests.ts';
import { type Auth, DASHBOARD_PREFIX, listedRoutes, ROUTES, type RouteCase } from './routes.ts';

const RUNS = 100;
const SEED = 20_250_702;
const prototypes = prototypeSnapshot();
const t = useTestApp(WHOLE_INGRESS);
let requests = 0;

afterAll(async () => {
  console.info(`fuzzed requests (paths, queries, methods, headers): ${requests}`);
});

const named = (routes: readonly RouteCase[]) =>
  routes.map((route) => [`${route.method} ${route.template}`, route] as const);

async function send(request: ReturnType<typeof requestFor>) {
  const response = await t().app.inject(request);
  requests++;
  expectClearAnswer(response, describeRequest(request));
  expect(unpolluted()).toBe(true);
  return response;
}

describe('the fuzzed route table', () => {
  it('covers every route the app serves (a new route needs a case here)', () => {
    const served = listedRoutes(t().app.printRoutes({ commonPrefix: false }))
      .filter((route) => !route.startsWith('HEAD ')) // Fastify adds HEAD to every GET
      .filter((route) => !route.split(' ')[1]?.startsWith(DASHBOARD_PREFIX));
    const fuzzed = ROUTES.map((route) => `${route.method} ${route.template}`);
    expect(served.length).toBeGreaterThan(25);
    expect(new Set(served)).toEqual(new Set(fuzzed.filter((route) => !route.startsWith('HEAD '))));
  });

  it.each(named(ROUTES))('%s answers its valid request normally', async (_name, route) => {
    const response = await send(requestFor(route));
    expect(response.statusCode, response.body).toBe(route.status);
  });
});

describe('path parameters, query strings and methods', () => {
  const withParams = ROUTES.filter((route) => route.params);
  it.each(named(withParams))('%s: any parameter value', async (_name, route) => {
    const names = Object.keys(route.params ?? {});
    await fc.assert(
      fc.asyncProperty(
        fc.array(pathSegment, { minLength: names.length, maxLength: names.length }),
        async (values) => {
          await send(
            requestFor(route, {
              params: Object.fromEntries(names.map((name, i) => [name, values[i] ?? ''])),
            }),
          );
        },
      ),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it.each(named(ROUTES))('%s: any query string', async (_name, route) => {
    await fc.assert(
      fc.asyncProperty(queryString, async (query) => {
        await send(requestFor(route, { query }));
      }),
      { seed: SEED, numRuns: 40 },
    );
  });

  it('any method on any route, and unknown paths under every prefix', async () => {
    const method = fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD');
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ROUTES),
        method,
        fc.constantFrom('', '/', '/x', '//', '/..', '/%2e%2e/admin/queues', '/%00', '/%ZZ'),
        async (route, verb, suffix) => {
          await send({
            ...requestFor(route),
            method: verb,
            url: `${requestFor(route).url}${suffix}`,
          });
        },
      ),
      { seed: SEED, numRuns: 300 },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(
          '',
          '/v1',
          '/v1/contacts',
          '/admin',
          '/webhooks',
          '/admin/ui',
          '/admin/ui/api/queues',
          '/admin/ui/api/queues/relay-sync',
        ),
        fc.array(pathSegment, { maxLength: 3 }),
        fc.constantFrom('GET', 'POST', 'PUT', 'DELETE'),
        fc.constantFrom<Auth>('public', 'crm', 'admin'),
        async (prefix, segments, method, auth) => {
          await send({
            method,
            url: `${prefix}/${segments.join('/')}`,
            headers: rightAuth(auth, undefined),
          });
        },
      ),
      { seed: SEED, numRuns: 300 },
    );
  });
});

describe('headers', () => {
  it.each(named(ROUTES.filter((route) => route.body)))(
    '%s: any content type',
    async (_name, route) => {
      await fc.assert(
        fc.asyncProperty(contentType, async (type) => {
          const response = await send(requestFor(route, { headers: { 'content-type': type } }));
          const json = /^application\/json\s*(;.*)?$/i.test(type.trim());
          if (!json) expect(response.statusCode, type).toBeGreaterThanOrEqual(400);
        }),
        { seed: SEED, numRuns: 60 },
      );
    },
  );

  it.each(named(ROUTES))('%s: any value in the headers the relay reads', async (_name, route) => {
    const names = fc.constantFrom(
      'idempotency-key',
      'x-hub-signature',
      'content-length',
      'transfer-encoding',
      'x-request-id',
      'accept',
      'accept-encoding',
      'host',
      'x-forwarded-for',
    );
    await fc.assert(
      fc.asyncProperty(fc.dictionary(names, headerValue, { maxKeys: 3 }), async (headers) => {
        const request = requestFor(route);
        await send({ ...request, headers: { ...request.headers, ...headers } });
      }),
      { seed: SEED, numRuns: 40 },
    );
  });
});

describe('after the run', () => {
  it('answers health checks and leaves every prototype as it was', async () => {
    expect((await t().app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    expect(unpolluted()).toBe(true);
    expect(prototypeSnapshot()).toBe(prototypes);
  });
});
