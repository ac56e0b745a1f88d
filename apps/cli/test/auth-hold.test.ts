import { E2E_CRM_TOKEN, useRelay, waitFor } from '@relay/testkit';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, stackEnv } from './cli.ts';

/**
 * Intercom refuses the relay's token, then accepts it again: what `relay triage` and
 * `relay token check` tell the operator during the hold and after it, against a running stack.
 */
const ADMIN_TOKEN = 'admin-token-for-cli-tests';
const relay = useRelay({ env: { ADMIN_TOKEN, RECONCILE_EVERY_MS: '0' } });
let env: Record<string, string>;

beforeAll(() => {
  env = stackEnv(relay, ADMIN_TOKEN);
});

// biome-ignore lint/suspicious/noExplicitAny: JSON output, checked field by field
const json = (text: string): any => JSON.parse(text);
const holdCheck = (checks: { id: string }[]) =>
  checks.find((check) => check.id === 'intercom-auth-hold');
const workerHeld = async () => {
  const text = await (await fetch(`${relay.stack.workerMetricsUrls[0]}/metrics`)).text();
  return /^intercom_auth_held\{[^}]*\} 1$/m.test(text);
};

async function push(count: number, tag: string) {
  const contacts = Array.from({ length: count }, (_, i) => ({ external_id: `${tag}-${i}` }));
  const answer = await fetch(`${relay.stack.ingressUrl}/v1/contacts`, {
    method: 'POST',
    headers: { authorization: `Bearer ${E2E_CRM_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ contacts }),
  });
  expect(answer.status).toBe(202);
}

describe('a hold after Intercom refused the token, as the CLI reports it', () => {
  it('triage fails the hold with the runbook step; token check says the relay holds calls', async () => {
    await relay.sim.control('POST', 'faults', { revokedTokens: [relay.sim.token] });
    await push(5, 'held');
    expect(await waitFor(workerHeld, Boolean, 15_000)).toBe(true);
    const ready = await fetch(`${relay.stack.ingressUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({
      status: 'degraded',
      services: {
        intercom: {
          status: 'unauthorized',
          authHold: { since: expect.any(String), nextProbeInMs: expect.any(Number) },
        },
      },
    });

    const triage = await runCli(['triage', '--interval', '1', '--json'], env);
    expect(triage.code).toBe(1);
    expect(holdCheck(json(triage.stdout).checks)).toMatchObject({
      severity: 'P1',
      status: 'fail',
      finding: expect.stringMatching(
        /^calls held on \d of \d processes for \d+ s \(since \S+Z\), probed \d+ times?, next probe in \d+ s: Intercom refused the access token/,
      ),
      next: 'relay token check · RUNBOOK.md#intercomunauthorized',
    });
    const human = await runCli(['triage', '--interval', '0'], env);
    expect(human.stdout).toMatch(/^P1 +FAIL +Intercom token hold +calls held on /m);

    const check = await runCli(['token', 'check'], env);
    expect(check.code).toBe(1);
    expect(check.stdout).toMatch(/^status +INVALID: 401 token_revoked$/m);
    expect(check.stdout).toMatch(
      /^relay +holding calls for \d+ s .*; work resumes at the first probe Intercom accepts/m,
    );
    const checkJson = json((await runCli(['token', 'check', '--json'], env)).stdout);
    expect(checkJson).toMatchObject({ valid: false, relay: { holding: true } });
  }, 60_000);

  it('after Intercom accepts the token again, the hold ends and both report all clear', async () => {
    await relay.sim.control('DELETE', 'faults');
    expect(await waitFor(workerHeld, (held) => !held, 70_000, 250)).toBe(false);
    await push(5, 'after');

    const triage = await runCli(['triage', '--interval', '1', '--json'], env);
    expect(holdCheck(json(triage.stdout).checks)).toMatchObject({
      status: 'ok',
      finding: 'no calls held (2 processes)',
    });
    const ready = await (await fetch(`${relay.stack.ingressUrl}/readyz`)).json();
    expect(ready).toMatchObject({ services: { intercom: { status: 'up', authHold: null } } });
    const check = await runCli(['token', 'check'], env);
    expect(check.code).toBe(0);
    expect(check.stdout).toMatch(/^relay +not holding calls to Intercom \(ingress \/readyz\)$/m);
  }, 90_000);
});
