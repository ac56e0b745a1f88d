import { describeAuthHold } from '../../relay/auth-hold.ts';
import { ALERT_RULES } from './alert-rules.ts';
import type { TriageCheck } from './check.ts';
import type { TriageInput } from './sources.ts';

const HELD = 'intercom_auth_held';

/**
 * Calls to Intercom held after it refused the access token: each process's
 * intercom_auth_held, and the hold every process shares, as the ingress's /readyz reads it.
 * A hold makes no 401 between its probes (up to a minute apart), so the 401 check can read
 * ok over a few seconds while nothing syncs.
 */
export function authHoldCheck(input: TriageInput): TriageCheck {
  const base = {
    // A hold follows a refused token: the alert that stands for it is IntercomUnauthorized.
    severity: ALERT_RULES.intercomUnauthorized.severity,
    id: 'intercom-auth-hold',
    title: 'Intercom token hold',
    next: 'relay token check · RUNBOOK.md#intercomunauthorized',
  };
  const reported = input.windows.flatMap((window) =>
    window.last.filter((sample) => sample.name === HELD).map((sample) => sample.value),
  );
  const heldOn = reported.filter((value) => value >= 1).length;
  const shared = input.readiness.reachable ? input.readiness.intercom.authHold : null;
  if (heldOn > 0 || shared) {
    const where =
      heldOn > 0
        ? `calls held on ${heldOn} of ${reported.length} ${reported.length === 1 ? 'process' : 'processes'}`
        : 'calls held (/readyz)';
    const how = shared ? ` ${describeAuthHold(shared)}` : '';
    return {
      ...base,
      status: 'fail',
      finding: `${where}${how}: Intercom refused the access token; jobs wait without using attempts`,
    };
  }
  if (reported.length === 0) {
    return { ...base, status: 'unknown', finding: `no process reports ${HELD}` };
  }
  const count = `${reported.length} ${reported.length === 1 ? 'process' : 'processes'}`;
  return { ...base, status: 'ok', finding: `no calls held (${count})` };
}
