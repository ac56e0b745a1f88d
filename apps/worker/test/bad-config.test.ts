import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { EXIT_CONFIG } from '@relay/config';
import { REPO_ROOT } from '@relay/testkit';
import { describe, expect, it } from 'vitest';

describe('node apps/worker/src/main.ts with a bad configuration', () => {
  it('prints one message listing every problem, no stack trace, and exits EX_CONFIG', () => {
    const started = spawnSync(process.execPath, [join(REPO_ROOT, 'apps/worker/src/main.ts')], {
      env: { PATH: process.env.PATH, WORKER_CONCURRENCY: 'abc', METRICS_PORT: '-1' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(started.status).toBe(EXIT_CONFIG);
    expect(started.stderr).toMatch(/^worker: invalid configuration:\n( {2}- .+\n){3,}$/);
    expect(started.stderr).toContain('  - WORKER_CONCURRENCY must be a whole number (got "abc")\n');
    expect(started.stderr).toContain('  - METRICS_PORT must be at least 0 (got -1)\n');
    expect(started.stderr).toContain(
      '  - INTERCOM_ACCESS_TOKEN is required (or INTERCOM_ACCESS_TOKEN_FILE)\n',
    );
    expect(started.stdout).toBe('');
  });

  it('refuses a setting of the conversation sink, which gave way to the change feed', () => {
    const started = spawnSync(process.execPath, [join(REPO_ROOT, 'apps/worker/src/main.ts')], {
      env: { PATH: process.env.PATH, INTERCOM_ACCESS_TOKEN: 't', CONVERSATION_SINK: 'http' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(started.status).toBe(EXIT_CONFIG);
    expect(started.stderr).toContain(
      '  - CONVERSATION_SINK is no longer read: conversation notifications are on the change feed (GET /v1/changes); see docs/change-feed.md, "Moving from the conversation sink"\n',
    );
  });
});
