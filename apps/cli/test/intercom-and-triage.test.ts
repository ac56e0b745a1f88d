import { E2E_CRM_TOKEN, useRelay, waitFor } from '@relay/testkit';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, setStatusPage, stackEnv } from './cli.ts';

const ADMIN_TOKEN = 'admin-token-for-cli-tests';
const relay = useRelay({ env: { ADMIN_TOKEN, RECONCILE_EVERY_MS: '0' } });
let env: Record<string, string>;

beforeAll(() => {
  env = stackEnv(relay, ADMIN_TOKEN);
});

// biome-ignore lint/suspicious/noExplicitAny: JSON output, checked field by field
const json = (text: string): any => JSON.parse(text);
const statuses = (checks: { id: string; status: string }[]) =>
  Object.fromEntries(checks.map((check) => [check.id, check.status]));

describe('relay token check, preflight and triage against a running stack', () => {
  it('token check: names the workspace, redacts the admin, never prints the token', async () => {
    const result = await runCli(['token', 'check', '--json'], env);
    expect(result.code).toBe(0);
    const body = json(result.stdout);
    expect(body).toMatchObject({
      valid: true,
      workspace: { id: 'simapp' },
      admin: { email: 'a***@intercom-sim.example' },
      token: { fingerprint: '(9 chars)', source: 'INTERCOM_ACCESS_TOKEN' },
      rateLimit: { limit: 1666 },
    });
    const human = await runCli(['token', 'check'], env);
    expect(human.stdout).toMatch(/^status +valid$/m);
    expect(`${human.stdout}${human.stderr}${result.stdout}`).not.toContain(relay.sim.token);
  });

  it('preflight: every check passes on a healthy stack', async () => {
    const result = await runCli(['preflight', '--json'], env);
    expect(result.code).toBe(0);
    expect(statuses(json(result.stdout).checks)).toEqual({
      token: 'ok',
      budget: 'ok',
      'status-page': 'ok',
      ingress: 'ok',
      webhook: 'ok',
      // The stack's ingress is plain HTTP: a warning, which does not fail the run.
      'webhook-https': 'warn',
      admin: 'ok',
    });
    const human = await runCli(['preflight'], env);
    expect(human.stdout).toMatch(
      /^webhook URL is https +WARN +http:\/\/127\.0\.0\.1:\d+\/webhooks\/intercom: Intercom delivers webhooks only to https/m,
    );
    const publicHttps = await runCli(
      ['preflight', '--json', '--public-url', 'https://relay.example.com/'],
      env,
    );
    expect(json(publicHttps.stdout).checks).toContainEqual({
      id: 'webhook-https',
      title: 'webhook URL is https',
      status: 'ok',
      detail: 'https://relay.example.com/webhooks/intercom',
    });
    const fromEnv = await runCli(['preflight', '--json'], {
      ...env,
      RELAY_PUBLIC_URL: 'https://relay.example.com',
    });
    expect(statuses(json(fromEnv.stdout).checks)['webhook-https']).toBe('ok');
  });

  it('preflight: fails on a status page incident and a refused admin token', async () => {
    await setStatusPage(relay.sim.url, 'major', 'Partial outage of the REST API');
    try {
      const result = await runCli(['preflight'], { ...env, ADMIN_TOKEN: 'wrong-admin-token' });
      expect(result.code).toBe(1);
      expect(result.stdout).toMatch(
        /^Intercom status page +FAIL +major: Partial outage of the REST API$/m,
      );
      expect(result.stdout).toMatch(
        /^admin API +FAIL +the admin API at \S+ refused ADMIN_TOKEN \(401 UNAUTHENTICATED/m,
      );
      expect(result.stdout).toMatch(/^Intercom token valid +pass/m);
      expect(result.stdout).toMatch(/preflight failed: 2 check\(s\)/);
    } finally {
      await setStatusPage(relay.sim.url, 'none', 'All Systems Operational');
    }
  });

  it('triage: no P1/P2 failure on a healthy stack', async () => {
    const result = await runCli(['triage', '--interval', '1', '--json'], env);
    expect(result.code).toBe(0);
    const body = json(result.stdout);
    expect(body.ok).toBe(true);
    expect(statuses(body.checks)).toMatchObject({
      'intercom-401': 'ok',
      'intercom-5xx': 'ok',
      circuit: 'ok',
      ingress: 'ok',
      redis: 'ok',
      paused: 'ok',
      'status-page': 'ok',
      coverage: 'ok',
    });
  });

  it('triage: during an Intercom outage the circuit and 5xx findings fail, exit 1', async () => {
    await relay.sim.control('POST', 'faults', { errorRates: { '503': 1 } });
    try {
      const contacts = Array.from({ length: 20 }, (_, i) => ({ external_id: `outage-${i}` }));
      const pushed = await fetch(`${relay.stack.ingressUrl}/v1/contacts`, {
        method: 'POST',
        headers: { authorization: `Bearer ${E2E_CRM_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ contacts }),
      });
      expect(pushed.status).toBe(202);
      const workerMetrics = `${relay.stack.workerMetricsUrls[0]}/metrics`;
      await waitFor(
        () => fetch(workerMetrics).then((response) => response.text()),
        (text) => /^intercom_circuit_state\{[^}]*\} [12]$/m.test(text),
        20_000,
      );
      const result = await runCli(['triage', '--interval', '2'], env);
      expect(result.code).toBe(1);
      expect(result.stdout).toMatch(
        /^P2 +FAIL +circuit breaker +(OPEN|half-open) on [12] of 2 processes/m,
      );
      expect(result.stdout).toMatch(
        /^P1 +(FAIL|ok) +Intercom 5xx +\d+ of \d+ calls? answered 5xx in 2\.0 s/m,
      );
      expect(result.stdout).toMatch(/^P1 +ok +Redis +up/m);
      expect(result.stdout).toMatch(/RUNBOOK\.md#intercomcircuitopen/);
      expect(result.stdout).toMatch(/P1\/P2 check\(s\) failed: .*circuit breaker/);
    } finally {
      await relay.sim.control('DELETE', 'faults');
    }
  });

  it('token check: explains a revoked token and exits 1', async () => {
    await relay.sim.control('POST', 'faults', { revokedTokens: [relay.sim.token] });
    try {
      const result = await runCli(['token', 'check'], env);
      expect(result.code).toBe(1);
      expect(result.stdout).toMatch(/^status +INVALID: 401 token_revoked$/m);
      expect(result.stdout).toMatch(/^why +the token was revoked/m);
      expect(result.stdout).not.toContain(relay.sim.token);
    } finally {
      await relay.sim.control('DELETE', 'faults');
    }
  });
});
