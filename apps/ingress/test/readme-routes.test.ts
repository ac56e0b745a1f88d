import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '@relay/testkit';
import type { FastifyInstance, HTTPMethods } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from './test-app.ts';

/**
 * docs/http-api.md documents every route the ingress serves, each with an example request and
 * answer: its route tables are compared with the routes of the real app (admin routes on), both
 * ways, so a new route without a row there fails here, as does a row for a route that is gone.
 */
const readme = readFileSync(join(REPO_ROOT, 'docs/http-api.md'), 'utf8');

type Row = { routes: string[]; request: string; answer: string };

/** The rows of the first table after `marker`, with the routes named in their first cell. */
function tableAfter(marker: string): Row[] {
  const at = readme.indexOf(marker);
  expect(at, `docs/http-api.md has "${marker}"`).toBeGreaterThan(-1);
  const lines: string[] = [];
  for (const line of readme.slice(at).split('\n').slice(1)) {
    if (line.startsWith('|')) lines.push(line);
    else if (lines.length > 0) break;
  }
  expect(lines.length, `a table after "${marker}"`).toBeGreaterThan(2);
  // Row 0 is the header, row 1 the rule; cells split on | except an escaped \|.
  return lines.slice(2).map((line) => {
    const [route = '', request = '', answer = ''] = line
      .split(/(?<!\\)\|/)
      .slice(1, -1)
      .map((cell) => cell.trim());
    const routes = [...route.matchAll(/`((?:GET|HEAD|POST|PUT|PATCH|DELETE) \/[^`\s]*)`/g)].map(
      (match) => match[1] ?? '',
    );
    return { routes, request, answer };
  });
}

/**
 * Every `METHOD /path` the app serves, read from Fastify's route tree (printRoutes draws one
 * node per line, four columns per level). HEAD beside GET is Fastify's automatic one; bull-board's
 * own routes under /admin/ui are the dashboard's, documented as `GET /admin/ui`.
 */
function servedRoutes(app: FastifyInstance): string[] {
  const served = new Set<string>();
  const prefixes: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const node = /^([│ ]*)[├└]── (\S+)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!node) continue;
    const depth = (node[1] ?? '').length / 4;
    const path = `${prefixes[depth - 1] ?? ''}${node[2]}`;
    prefixes[depth] = path;
    prefixes.length = depth + 1;
    const methods = (node[3] ?? '').split(', ').filter(Boolean);
    if (path.startsWith('/admin/ui/')) {
      if (methods.length > 0) served.add('GET /admin/ui');
      continue;
    }
    for (const method of methods) {
      // The path was put together right: Fastify knows the route by it.
      expect(app.hasRoute({ method: method as HTTPMethods, url: path }), `${method} ${path}`).toBe(
        true,
      );
      if (method === 'HEAD' && methods.includes('GET')) continue;
      served.add(`${method} ${path}`);
    }
  }
  return [...served].sort();
}

const t = useTestApp({ admin: 'main' });
let served: string[];

beforeAll(async () => {
  await t().app.ready();
  served = servedRoutes(t().app);
});

describe('docs/http-api.md route tables', () => {
  it('reads the routes the app serves', () => {
    // The tree parser found the routes at every depth: top level, nested, under a prefix.
    expect(served).toEqual(
      expect.arrayContaining([
        'GET /healthz',
        'HEAD /webhooks/intercom',
        'POST /v1/contacts/merge',
        'POST /v1/contacts/:externalId/archive',
        'POST /admin/queues/:lane/pause',
        'GET /admin/ui',
      ]),
    );
    expect(served.length).toBeGreaterThan(30);
  });

  it('lists every route outside /admin in the table at a glance, and no other', () => {
    const rows = tableAfter('Every route at a glance');
    const documented = rows.flatMap((row) => row.routes);
    expect(documented.sort()).toEqual(served.filter((route) => !route.includes(' /admin')));
    expect(new Set(documented).size).toBe(documented.length);
  });

  it('lists every /admin route in the admin table, and no other', () => {
    const rows = tableAfter('### `/admin` — queues, dead letters and the dashboard');
    const documented = rows.flatMap((row) => row.routes);
    expect(documented.sort()).toEqual(served.filter((route) => route.includes(' /admin')));
  });

  it('gives every route an example request and an example answer', () => {
    const rows = [
      ...tableAfter('Every route at a glance'),
      ...tableAfter('### `/admin` — queues, dead letters and the dashboard'),
    ];
    for (const row of rows) {
      expect(row.request, `${row.routes.join(', ')}: request`).not.toBe('');
      expect(row.answer, `${row.routes.join(', ')}: answer`).toMatch(/\{|\d{3}|HTML/);
    }
    // At a glance, every answer starts with its status code.
    for (const row of tableAfter('Every route at a glance')) {
      expect(row.answer, row.routes.join(', ')).toMatch(/^\d{3} /);
    }
  });
});
