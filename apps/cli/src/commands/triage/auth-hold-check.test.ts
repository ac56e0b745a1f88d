import { parsePrometheusText } from '@relay/telemetry';
import { describe, expect, it } from 'vitest';
import { authHoldCheck } from './auth-hold-check.ts';
import type { TriageInput } from './sources.ts';

const HOLD = {
  since: new Date(Date.now() - 90_000).toISOString(),
  probes: 6,
  nextProbeInMs: 30_000,
};

/** Triage's input with only what the hold check reads: each process's gauge and /readyz. */
function input(held: number[], authHold: typeof HOLD | null = null): TriageInput {
  return {
    windows: held.map((value, i) => ({
      url: `http://worker-${i}/metrics`,
      role: 'worker' as const,
      first: null,
      last: parsePrometheusText(`intercom_auth_held{service="worker"} ${value}\n`),
      seconds: 5,
    })),
    unreachable: [],
    workersConfigured: held.length,
    readiness: {
      reachable: true,
      httpStatus: 200,
      status: authHold ? 'degraded' : 'healthy',
      redis: { status: 'up', usedRatio: 0 },
      intercom: { status: 'up', authenticated: true, error: null, authHold },
    },
    statusPage: { ok: true, indicator: 'none', description: '', operational: true },
    admin: { configured: false },
    intervalSeconds: 5,
  } as TriageInput;
}

describe('triage: calls held after Intercom refused the token', () => {
  it('fails at P1 with the runbook step while any process holds, with no 401 in the window', () => {
    expect(authHoldCheck(input([1, 0], HOLD))).toEqual({
      severity: 'P1',
      id: 'intercom-auth-hold',
      title: 'Intercom token hold',
      status: 'fail',
      finding: expect.stringMatching(
        /^calls held on 1 of 2 processes for 90 s \(since \S+Z\), probed 6 times, next probe in 30 s: Intercom refused the access token; jobs wait without using attempts$/,
      ),
      next: 'relay token check · RUNBOOK.md#intercomunauthorized',
    });
  });

  it('fails on the shared hold /readyz reports when no process has joined it yet', () => {
    expect(authHoldCheck(input([0], HOLD))).toMatchObject({
      status: 'fail',
      finding: expect.stringMatching(/^calls held \(\/readyz\) for 90 s/),
    });
  });

  it('is ok when no process holds, unknown when none reports', () => {
    expect(authHoldCheck(input([0, 0]))).toMatchObject({
      status: 'ok',
      finding: 'no calls held (2 processes)',
    });
    expect(authHoldCheck(input([]))).toMatchObject({ status: 'unknown' });
  });
});
