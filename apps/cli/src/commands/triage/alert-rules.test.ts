import { readFileSync } from 'node:fs';
import { REPO_ROOT } from '@relay/testkit';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  ALERT_RULES,
  ALERTS_NOT_IN_TRIAGE,
  type AlertRule,
  severityHelp,
  severityList,
} from './alert-rules.ts';
import { triage } from './command.ts';

type YamlRule = { alert: string; expr: string; labels: { severity: string } };
const yamlRules = (
  parse(readFileSync(`${REPO_ROOT}/deploy/prometheus/alerts.yml`, 'utf8')) as {
    groups: { rules: YamlRule[] }[];
  }
).groups.flatMap((group) => group.rules);

const rules: AlertRule[] = Object.values(ALERT_RULES).flatMap((entry) =>
  'alert' in entry ? [entry as AlertRule] : Object.values(entry as Record<string, AlertRule>),
);

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The lines of a rule's expression that are about `queue` ("!name": every other lane). */
function linesFor(expr: string, queue: string | undefined): string {
  if (queue === undefined) return expr;
  const selector = queue.startsWith('!') ? `queue!="${queue.slice(1)}"` : `queue="${queue}"`;
  return expr
    .split('\n')
    .filter((line) => line.includes(selector))
    .join('\n');
}

function compares(expr: string, rule: AlertRule): boolean {
  const op = rule.comparison ?? '>';
  // `>` must not match the start of `>=`, nor the end of `<=`/`>=`/`!=`/`==`.
  const pattern = new RegExp(
    `(?<![<>=!])${escapeRegExp(op)}${op === '>' ? '(?!=)' : ''}\\s*${escapeRegExp(String(rule.threshold))}(?![\\d.])`,
  );
  return pattern.test(expr);
}

describe('the alert rules triage applies', () => {
  it.each(rules.map((rule) => [`${rule.alert} ${rule.severity} ${rule.queue ?? ''}`, rule]))(
    '%s is in alerts.yml with that severity and threshold',
    (_name, rule) => {
      const candidates = yamlRules.filter(
        (yaml) => yaml.alert === rule.alert && yaml.labels.severity === rule.severity,
      );
      expect(candidates, `no ${rule.alert} rule with severity ${rule.severity}`).not.toEqual([]);
      const matching = candidates.filter((yaml) => linesFor(yaml.expr, rule.queue) !== '');
      expect(matching, `no ${rule.alert} ${rule.severity} rule about ${rule.queue}`).not.toEqual(
        [],
      );
      if (rule.threshold !== undefined) {
        expect(
          matching.some((yaml) => compares(linesFor(yaml.expr, rule.queue), rule)),
          `${rule.alert} ${rule.severity}: ${rule.comparison ?? '>'} ${rule.threshold}`,
        ).toBe(true);
      }
      const { windowSeconds } = rule;
      if (windowSeconds !== undefined) {
        expect(matching.some((yaml) => yaml.expr.includes(`[${windowSeconds / 60}m]`))).toBe(true);
      }
    },
  );

  it('leaves out no alert of alerts.yml, nor a severity of one', () => {
    const mirrored = new Set(rules.map((rule) => `${rule.alert} ${rule.severity}`));
    const missing = yamlRules
      .filter((yaml) => !Object.hasOwn(ALERTS_NOT_IN_TRIAGE, yaml.alert))
      .map((yaml) => `${yaml.alert} ${yaml.labels.severity}`)
      .filter((key) => !mirrored.has(key));
    expect(missing).toEqual([]);
    for (const alert of Object.keys(ALERTS_NOT_IN_TRIAGE)) {
      expect(yamlRules.map((yaml) => yaml.alert)).toContain(alert);
    }
  });

  it('are what relay triage --help lists', () => {
    expect(triage.help).toContain(severityHelp());
    for (const items of Object.values(severityList())) {
      for (const item of items) expect(triage.help.replace(/\s+/g, ' ')).toContain(item);
    }
  });

  it('are what the CLI README lists', () => {
    const readme = readFileSync(`${REPO_ROOT}/apps/cli/README.md`, 'utf8');
    const rows = Object.fromEntries(
      [...readme.matchAll(/^\| (P[1-4]) +\| (.+?) +\|$/gm)].map((match) => [match[1], match[2]]),
    );
    const expected = Object.fromEntries(
      Object.entries(severityList()).map(([severity, items]) => [severity, items.join(', ')]),
    );
    expect(rows).toEqual(expected);
  });
});
