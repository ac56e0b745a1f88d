import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  notificationFixture,
  type Stack,
  signWebhook,
  startStack,
  useRedis,
  useSimulator,
  waitFor,
} from '@relay/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Rotating the Intercom access token and the webhook client secret while work flows, the
 * way the runbook says: new secret beside the old one, switch, then remove the old one. Both
 * come from files (`*_FILE`) that the processes re-read; nothing restarts.
 */
const CRM_TOKEN = 'crm-rotation-token';
const OLD_TOKEN = 'intercom-token-old';
const NEW_TOKEN = 'intercom-token-new';
const OLD_SECRET = 'client-secret-old';
const NEW_SECRET = 'client-secret-new';

let dir: string;
const tokenFile = () => join(dir, 'intercom-token');
const secretFile = () => join(dir, 'client-secret');

/** Replaces the file in one step, as a secrets manager or a Kubernetes volume does. */
function replaceFile(path: string, value: string) {
  writeFileSync(`${path}.next`, value);
  renameSync(`${path}.next`, path);
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'relay-rotation-'));
  replaceFile(tokenFile(), OLD_TOKEN);
  replaceFile(secretFile(), OLD_SECRET);
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});
const redis = useRedis();
// Two tokens of one app; no webhook URL: the test sends the webhooks, signed as it chooses.
const sim = useSimulator(['--token', `${OLD_TOKEN}:simapp`, '--token', `${NEW_TOKEN}:simapp`]);
let stack: Stack;

beforeAll(async () => {
  stack = await startStack({
    redisUrl: redis.url,
    queuePrefix: redis.prefix,
    intercomUrl: sim.url,
    intercomToken: 'unused',
    webhookSecret: 'unused',
    crmToken: CRM_TOKEN,
    workers: 2,
    env: {
      INTERCOM_ACCESS_TOKEN_FILE: tokenFile(),
      INTERCOM_CLIENT_SECRET_FILE: secretFile(),
      WORKER_CONCURRENCY: '4',
      RECONCILE_EVERY_MS: '0',
    },
  });
}, 60_000);
afterAll(async () => {
  await stack?.stop();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function sendWebhook(secret: string): Promise<number> {
  const body = JSON.stringify(
    notificationFixture({ topic: 'ping', item: { type: 'ping', message: 'rotation' } }),
  );
  return fetch(`${stack.ingressUrl}/webhooks/intercom`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hub-signature': signWebhook(body, secret) },
    body,
  }).then((response) => response.status);
}

describe('secrets rotation under load', () => {
  it('fails no job and rejects no valid webhook while the token and the client secret rotate', async () => {
    let intercomSigns = OLD_SECRET; // what Intercom signs with: it switches once, at once
    let pushed = 0;
    const pushStatuses: number[] = [];
    const webhookStatuses: number[] = [];
    let running = true;

    const pushing = (async () => {
      while (running) {
        const contacts = Array.from({ length: 10 }, () => ({ external_id: `rot-${pushed++}` }));
        const response = await fetch(`${stack.ingressUrl}/v1/contacts`, {
          method: 'POST',
          headers: { authorization: `Bearer ${CRM_TOKEN}`, 'content-type': 'application/json' },
          body: JSON.stringify({ contacts }),
        });
        pushStatuses.push(response.status);
        await sleep(100);
      }
    })();
    const signing = (async () => {
      while (running) {
        webhookStatuses.push(await sendWebhook(intercomSigns));
        await sleep(40);
      }
    })();

    await sleep(1_000);
    replaceFile(secretFile(), `${NEW_SECRET},${OLD_SECRET}`); // 1. accept both
    await sleep(700);
    replaceFile(tokenFile(), NEW_TOKEN); // 2. the relay calls with the new token
    await sleep(700);
    intercomSigns = NEW_SECRET; // 3. the app's secret is rotated at Intercom
    await sim.control('POST', 'faults', { revokedTokens: [OLD_TOKEN] }); // 4. old token revoked
    await sleep(1_000);
    replaceFile(secretFile(), NEW_SECRET); // 5. the old secret is dropped
    await sleep(1_000);
    running = false;
    await Promise.all([pushing, signing]);

    expect(pushStatuses.every((status) => status === 202)).toBe(true);
    expect(webhookStatuses.length).toBeGreaterThan(20); // signed all along (about 80 on a quiet machine)
    expect(webhookStatuses.filter((status) => status !== 200)).toEqual([]);
    expect(await sendWebhook(OLD_SECRET)).toBe(401); // the overlap is over

    const synced = await waitFor(
      () => sim.contacts(),
      (contacts) => contacts.total_count >= pushed,
      60_000,
    );
    expect(synced.total_count).toBe(pushed);
    const stats = await sim.stats();
    const unauthorized = Object.values(stats.calls).reduce(
      (sum, byStatus) => sum + (byStatus['401'] ?? 0),
      0,
    );
    expect(unauthorized).toBe(0); // no call went out with the revoked token
    const workerMetrics = await Promise.all(
      stack.workerMetricsUrls.map(async (url) => (await fetch(`${url}/metrics`)).text()),
    );
    expect(workerMetrics.join('\n')).not.toMatch(
      /relay_jobs_total\{[^}]*outcome="failed"[^}]*\} [1-9]/,
    );
  });
});
