import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '@relay/testkit';
import { describe, expect, it } from 'vitest';

// package.json's packageManager is the one pnpm pin: scripts/bootstrap.sh reads it, Turborepo
// needs it to see the workspace, and the Docker image must install the same version.
describe('the pnpm pin', () => {
  const pin = (
    JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { packageManager: string }
  ).packageManager;

  it('is an exact version in package.json', () => {
    expect(pin).toMatch(/^pnpm@\d+\.\d+\.\d+$/);
  });

  it('is the version the Dockerfile installs', () => {
    const dockerfile = readFileSync(join(REPO_ROOT, 'Dockerfile'), 'utf8');
    expect(dockerfile.match(/npm install [^\n]*\b(pnpm@\S+)/)?.[1]).toBe(pin);
  });
});
