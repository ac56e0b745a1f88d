import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXIT_CONFIG } from '@relay/config';
import { REPO_ROOT } from '@relay/testkit';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'relay-ingress-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('node apps/ingress/src/main.ts with a bad configuration', () => {
  it('prints one message listing every problem, no stack trace, and exits EX_CONFIG', () => {
    const started = spawnSync(process.execPath, [join(REPO_ROOT, 'apps/ingress/src/main.ts')], {
      env: { PATH: process.env.PATH, PORT: 'abc', INTERCOM_CLIENT_SECRET_FILE: dir },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(started.status).toBe(EXIT_CONFIG);
    expect(started.stderr).toBe(
      [
        'ingress: invalid configuration:',
        '  - PORT must be a whole number (got "abc")',
        `  - INTERCOM_CLIENT_SECRET_FILE points to ${dir}, which cannot be read (EISDIR)`,
        '  - CRM_API_TOKENS is required (or CRM_API_TOKENS_FILE)',
        '',
      ].join('\n'),
    );
    expect(started.stdout).toBe('');
  });
});
