import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '@relay/testkit';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

/** Starts an app's main.ts with `env` and returns how it ended (it should not start). */
async function start(app: 'ingress' | 'worker', env: Record<string, string>) {
  try {
    await run(process.execPath, [join(REPO_ROOT, `apps/${app}/src/main.ts`)], {
      env: { ...process.env, REDIS_URL: '', ...env },
      timeout: 20_000,
    });
    return { code: 0, stderr: '' };
  } catch (error) {
    const failed = error as { code?: number; stderr?: string };
    return { code: failed.code, stderr: failed.stderr ?? '' };
  }
}

describe('Redis Cluster configuration', () => {
  it.each(['ingress', 'worker'] as const)(
    'the %s refuses to start on a cluster with a prefix without a hash tag',
    async (app) => {
      const ended = await start(app, {
        REDIS_CLUSTER_NODES: '127.0.0.1:1,127.0.0.1:2',
        QUEUE_PREFIX: 'relay',
        INTERCOM_ACCESS_TOKEN: 'token',
        INTERCOM_CLIENT_SECRET: 'secret',
        CRM_API_TOKENS: 'crm',
      });
      expect(ended.code).toBe(78); // EX_CONFIG, as for every configuration error
      expect(ended.stderr).toContain('invalid configuration');
      expect(ended.stderr).toContain('QUEUE_PREFIX "relay" has no hash tag');
    },
  );
});
