import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '@relay/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { exportedSeriesNames } from './exported-metric-names.ts';
import { promqlMetricNames } from './promql-metric-names.ts';
import { runTool } from './tools.ts';

const GRAFANA_DIR = join(REPO_ROOT, 'deploy/grafana');
const DASHBOARD_DIR = join(GRAFANA_DIR, 'dashboards');

type Target = { refId: string; expr?: string; datasource?: { uid?: string } };
type Panel = {
  id: number;
  type: string;
  title: string;
  datasource?: { uid?: string };
  targets?: Target[];
  panels?: Panel[];
};
type Dashboard = { uid: string; title: string; panels: Panel[] };

/** Values that make a panel query valid PromQL, as Grafana would fill them in. */
const VARIABLES: Record<string, string> = {
  __rate_interval: '1m',
  __interval: '15s',
  __range: '1h',
  lane: '(erasure|sync)',
};

function substitute(expr: string): string {
  return expr.replace(/\$\{?(\w+)\}?/g, (whole, name: string) => VARIABLES[name] ?? whole);
}

const dashboards = readdirSync(DASHBOARD_DIR)
  .filter((file) => file.endsWith('.json'))
  .map((file) => ({
    file,
    dashboard: JSON.parse(readFileSync(join(DASHBOARD_DIR, file), 'utf8')) as Dashboard,
  }));

function panelsOf(dashboard: Dashboard): Panel[] {
  return dashboard.panels.flatMap((panel) => [panel, ...(panel.panels ?? [])]);
}

const queries = dashboards.flatMap(({ file, dashboard }) =>
  panelsOf(dashboard).flatMap((panel) =>
    (panel.targets ?? []).map((target) => ({
      where: `${file} panel ${panel.id} "${panel.title}" ${target.refId}`,
      panel,
      target,
      expr: substitute(target.expr ?? ''),
    })),
  ),
);

const tempDirs: string[] = [];
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

describe('the metric-name scanner the dashboard test relies on', () => {
  it('finds selected names, and not functions, labels, matchers or durations', () => {
    expect(
      promqlMetricNames(
        'histogram_quantile(0.95, sum by (le, endpoint) (rate(a_bucket{code!~"2..|x_total"}[5m] offset 1h))) / on (job) group_left (instance) b > bool 0 or max(c) unless d',
      ).sort(),
    ).toEqual(['a_bucket', 'b', 'c', 'd']);
  });

  it('reports a made-up name among real ones', async () => {
    const exported = await exportedSeriesNames();
    const names = promqlMetricNames('sum(rate(intercom_requests_total[1m])) / sum(made_up_total)');
    expect(names.filter((name) => !exported.has(name))).toEqual(['made_up_total']);
  });
});

describe('Grafana (deploy/grafana)', () => {
  it('has a dashboard with panel queries', () => {
    expect(dashboards.map(({ dashboard }) => dashboard.uid)).toContain('intercom-relay');
    expect(queries.length).toBeGreaterThan(20);
    for (const { where, expr } of queries) expect(expr, where).not.toBe('');
  });

  it('has panel queries that all parse (promtool check rules, as recording rules)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'relay-dashboard-'));
    tempDirs.push(dir);
    const rules = {
      groups: dashboards.flatMap(({ dashboard }) =>
        panelsOf(dashboard)
          .filter((panel) => panel.targets?.length)
          .map((panel) => ({
            name: `${dashboard.uid} panel ${panel.id}: ${panel.title}`,
            rules: (panel.targets ?? []).map((target) => ({
              record: `dashboard:panel_${panel.id}_${target.refId}`,
              expr: substitute(target.expr ?? ''),
            })),
          })),
      ),
    };
    writeFileSync(join(dir, 'panels.yml'), stringify(rules));
    const result = runTool('promtool', ['check', 'rules', 'panels.yml'], dir);
    expect(result.status, result.output).toBe(0);
  });

  it('has panel queries that name only metrics the relay exports', async () => {
    const exported = await exportedSeriesNames();
    const unknown = queries.flatMap(({ where, expr }) =>
      promqlMetricNames(expr)
        .filter((name) => !exported.has(name))
        .map((name) => `${where}: ${name}`),
    );
    expect(unknown).toEqual([]);
  });

  it('times webhook acks on the route label the ingress records', () => {
    // The label is Fastify's route template (apps/ingress/src/plugins/http-metrics.ts); the
    // scrape test sees the series itself in a running stack.
    const source = readFileSync(
      join(REPO_ROOT, 'apps/ingress/src/routes/webhooks/intercom.ts'),
      'utf8',
    );
    expect(source).toMatch(/\.post\(\s*'\/webhooks\/intercom'/);
    const ack = queries.filter(({ expr }) => expr.includes('relay_http_request_duration_seconds'));
    expect(ack.length).toBeGreaterThan(0);
    for (const { where, expr } of ack) expect(expr, where).toContain('route="/webhooks/intercom"');
  });

  it('reads every panel from the provisioned Prometheus datasource', () => {
    const datasources = parse(
      readFileSync(join(GRAFANA_DIR, 'provisioning/datasources/prometheus.yml'), 'utf8'),
    ) as { datasources: { uid: string; type: string; url: string }[] };
    const [prometheus] = datasources.datasources;
    expect(prometheus).toMatchObject({ type: 'prometheus', url: 'http://prometheus:9090' });
    for (const { where, panel, target } of queries) {
      expect(panel.datasource?.uid, where).toBe(prometheus?.uid);
      expect(target.datasource?.uid, where).toBe(prometheus?.uid);
    }
    const ids = dashboards.flatMap(({ dashboard }) => panelsOf(dashboard).map((panel) => panel.id));
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('Prometheus alert rules', () => {
  it('name only metrics the relay exports', async () => {
    const exported = await exportedSeriesNames();
    const alerts = parse(readFileSync(join(REPO_ROOT, 'deploy/prometheus/alerts.yml'), 'utf8')) as {
      groups: { rules: { alert?: string; record?: string; expr: string }[] }[];
    };
    const unknown = alerts.groups.flatMap((group) =>
      group.rules.flatMap((rule) =>
        promqlMetricNames(rule.expr)
          .filter((name) => !exported.has(name))
          .map((name) => `${rule.alert ?? rule.record}: ${name}`),
      ),
    );
    expect(unknown).toEqual([]);
  });
});
