import { authHoldCheck } from './auth-hold-check.ts';
import type { TriageCheck } from './check.ts';
import { intercomChecks } from './intercom-checks.ts';
import { relayChecks } from './relay-checks.ts';
import type { TriageInput } from './sources.ts';

const STATUS_ORDER = { fail: 0, unknown: 1, ok: 2, skip: 3 } as const;

/** Every check, by severity and, within one, failures first. */
export function evaluateTriage(input: TriageInput): TriageCheck[] {
  const checks = [...intercomChecks(input), authHoldCheck(input), ...relayChecks(input)];
  return checks
    .map((check, order) => ({ check, order }))
    .sort(
      (a, b) =>
        a.check.severity.localeCompare(b.check.severity) ||
        STATUS_ORDER[a.check.status] - STATUS_ORDER[b.check.status] ||
        a.order - b.order,
    )
    .map(({ check }) => check);
}

/** P1 and P2 failures make triage exit 1. */
export function urgentFailures(checks: readonly TriageCheck[]): TriageCheck[] {
  return checks.filter(
    (check) => check.status === 'fail' && (check.severity === 'P1' || check.severity === 'P2'),
  );
}
