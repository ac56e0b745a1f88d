import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '@relay/testkit';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runTool } from './tools.ts';

const PROMETHEUS_DIR = join(REPO_ROOT, 'deploy/prometheus');

type AlertRule = {
  alert: string;
  expr: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
};
type AlertTest = { alertname: string; exp_alerts?: unknown[] };

function alertRules(): AlertRule[] {
  const file = parse(readFileSync(join(PROMETHEUS_DIR, 'alerts.yml'), 'utf8')) as {
    groups: { rules: (AlertRule | { record: string })[] }[];
  };
  return file.groups.flatMap((group) =>
    group.rules.filter((rule): rule is AlertRule => 'alert' in rule),
  );
}

function alertTests(): AlertTest[] {
  const file = parse(readFileSync(join(PROMETHEUS_DIR, 'alerts.test.yml'), 'utf8')) as {
    tests: { alert_rule_test?: AlertTest[] }[];
  };
  return file.tests.flatMap((test) => test.alert_rule_test ?? []);
}

/** GitHub's anchor for a heading made of one word: lower case. */
function runbookAnchors(): Set<string> {
  const runbook = readFileSync(join(REPO_ROOT, 'RUNBOOK.md'), 'utf8');
  return new Set(
    [...runbook.matchAll(/^### (\S+)\s*$/gm)].map(
      (match) => `RUNBOOK.md#${match[1]?.toLowerCase()}`,
    ),
  );
}

describe('Prometheus alert rules (deploy/prometheus)', () => {
  it('pass promtool check rules', () => {
    const result = runTool('promtool', ['check', 'rules', 'alerts.yml'], PROMETHEUS_DIR);
    expect(result.output).toContain('SUCCESS');
    expect(result.status, result.output).toBe(0);
  });

  it('pass their promtool unit tests (alerts.test.yml)', () => {
    const result = runTool('promtool', ['test', 'rules', 'alerts.test.yml'], PROMETHEUS_DIR);
    expect(result.status, result.output).toBe(0);
  });

  it('are each seen firing and seen quiet in the unit tests', () => {
    const tests = alertTests();
    const names = [...new Set(alertRules().map((rule) => rule.alert))];
    const firing = names.filter((name) =>
      tests.some((test) => test.alertname === name && (test.exp_alerts?.length ?? 0) > 0),
    );
    const quiet = names.filter((name) =>
      tests.some((test) => test.alertname === name && (test.exp_alerts?.length ?? 0) === 0),
    );
    expect(firing).toEqual(names);
    expect(quiet).toEqual(names);
  });

  it('each carry a severity P1–P4, a summary, a description and a runbook link that resolves', () => {
    const anchors = runbookAnchors();
    for (const rule of alertRules()) {
      expect(rule.labels?.severity, rule.alert).toMatch(/^P[1-4]$/);
      expect(rule.annotations?.summary, rule.alert).toBeTruthy();
      expect(rule.annotations?.description, rule.alert).toBeTruthy();
      expect(rule.annotations?.runbook_url, rule.alert).toBe(
        `RUNBOOK.md#${rule.alert.toLowerCase()}`,
      );
      expect(anchors.has(rule.annotations?.runbook_url ?? ''), rule.alert).toBe(true);
    }
  });

  it('are loaded by prometheus.yml, whose jobs RelayTargetDown watches', () => {
    const result = runTool('promtool', ['check', 'config', 'prometheus.yml'], PROMETHEUS_DIR);
    expect(result.status, result.output).toBe(0);
    const config = parse(readFileSync(join(PROMETHEUS_DIR, 'prometheus.yml'), 'utf8')) as {
      rule_files: string[];
      scrape_configs: { job_name: string }[];
    };
    expect(config.rule_files).toEqual(['alerts.yml']);
    expect(config.scrape_configs.map((job) => job.job_name)).toEqual([
      'relay-ingress',
      'relay-worker',
    ]);
  });
});
