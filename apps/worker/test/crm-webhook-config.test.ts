import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { EXIT_CONFIG } from '@relay/config';
import { REPO_ROOT } from '@relay/testkit';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';

const SECRET = `whsec_${Buffer.alloc(32, 2).toString('base64')}`;
const base = { INTERCOM_ACCESS_TOKEN: 't' };
const problemsOf = (env: Record<string, string>) => {
  try {
    loadConfig({ ...base, ...env });
    return '';
  } catch (error) {
    return (error as Error).message;
  }
};

describe('CRM_WEBHOOK_* (the change feed pushed to the CRM)', () => {
  it('is off without a URL, and reads the defaults with one', () => {
    expect(loadConfig(base).crmWebhook).toBeUndefined();
    const config = loadConfig({
      ...base,
      CRM_WEBHOOK_URL: 'https://crm.example.com/hooks',
      CRM_WEBHOOK_SECRET: SECRET,
    });
    expect(config.crmWebhook).toMatchObject({
      url: 'https://crm.example.com/hooks',
      retryScheduleMs: [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000],
      concurrency: 20,
      timeoutMs: 15_000,
    });
  });

  it('refuses http to another host unless CRM_WEBHOOK_ALLOW_HTTP=true; takes it to this host', () => {
    const http = { CRM_WEBHOOK_URL: 'http://crm.example.com/hooks', CRM_WEBHOOK_SECRET: SECRET };
    expect(problemsOf(http)).toMatch(/CRM_WEBHOOK_URL must use https/);
    expect(problemsOf({ ...http, CRM_WEBHOOK_ALLOW_HTTP: 'true' })).toBe('');
    expect(problemsOf({ ...http, CRM_WEBHOOK_URL: 'http://127.0.0.1:9/hooks' })).toBe('');
  });

  it('names a missing or malformed secret and a bad schedule, never echoing the secret', () => {
    const url = { CRM_WEBHOOK_URL: 'https://crm.example.com/hooks' };
    expect(problemsOf(url)).toMatch(
      /CRM_WEBHOOK_SECRET \(or CRM_WEBHOOK_SECRET_FILE\) is required/,
    );
    const bad = problemsOf({ ...url, CRM_WEBHOOK_SECRET: 'hunter2-hunter2' });
    expect(bad).toMatch(/must be whsec_/);
    expect(bad).not.toContain('hunter2');
    expect(
      problemsOf({ ...url, CRM_WEBHOOK_SECRET: SECRET, CRM_WEBHOOK_RETRY_SCHEDULE: '5s,soon' }),
    ).toMatch(/CRM_WEBHOOK_RETRY_SCHEDULE: "soon" is not a delay/);
  });

  it('stops the worker with EX_CONFIG for an http URL to another host', () => {
    const started = spawnSync(process.execPath, [join(REPO_ROOT, 'apps/worker/src/main.ts')], {
      env: {
        PATH: process.env.PATH,
        ...base,
        CRM_WEBHOOK_URL: 'http://crm.example.com/hooks',
        CRM_WEBHOOK_SECRET: SECRET,
      },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(started.status).toBe(EXIT_CONFIG);
    expect(started.stderr).toContain('CRM_WEBHOOK_URL must use https');
    expect(started.stderr).not.toContain(SECRET);
  });
});
