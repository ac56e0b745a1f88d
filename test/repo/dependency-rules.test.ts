import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { REPO_ROOT } from '@relay/testkit';
import { afterEach, describe, expect, it } from 'vitest';

/**
 * The dependency rules (`pnpm run deps`) must fail on a violation, or they check nothing.
 * Each case plants a file under a `__planted__/` folder (git-ignored, so biome, knip and git
 * never see it), runs the real check with the repository's config on it, and removes it.
 */
const planted: string[] = [];

function plant(path: string, source: string): string {
  const dir = join(REPO_ROOT, dirname(path));
  mkdirSync(dir, { recursive: true });
  planted.push(dir);
  writeFileSync(join(REPO_ROOT, path), source);
  return path;
}

afterEach(() => {
  for (const dir of planted.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function run(command: string, args: string[]) {
  const result = spawnSync(command, args, { cwd: REPO_ROOT, encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

/** dependency-cruiser with the repository's config, on the given files only. */
const cruise = (...paths: string[]) =>
  run(join(REPO_ROOT, 'node_modules/.bin/depcruise'), [
    '--config',
    '.dependency-cruiser.cjs',
    '--output-type',
    'err',
    ...paths,
  ]);

describe('the import rules (dependency-cruiser)', () => {
  it('pass a file that follows the map', () => {
    const file = plant(
      'packages/sync/src/__planted__/follows-the-map.ts',
      "import { AppError } from '@relay/errors';\nexport const planted = AppError;\n",
    );
    const { status, output } = cruise(file);
    expect(output).toContain('no dependency violations found');
    expect(status).toBe(0);
  });

  it('fail on bullmq imported by packages/sync, naming the rule and the file', () => {
    const file = plant(
      'packages/sync/src/__planted__/imports-bullmq.ts',
      "import { Queue } from 'bullmq';\nexport const planted = Queue;\n",
    );
    const { status, output } = cruise(file);
    expect(output).toContain(`error bullmq-only-in-jobs-queue-and-apps: ${file}`);
    expect(status).not.toBe(0);
  });

  it('fail on a package importing from apps/, naming the rule and the file', () => {
    const file = plant(
      'packages/testkit/src/__planted__/imports-an-app.ts',
      "import { loadConfig } from '../../../../apps/cli/src/config.ts';\nexport const planted = loadConfig;\n",
    );
    const { status, output } = cruise(file);
    expect(output).toContain(`error packages-not-to-apps: ${file}`);
    expect(status).not.toBe(0);
  });

  it('fail on the simulator importing a package of ours', () => {
    const file = plant(
      'apps/intercom-sim/src/__planted__/imports-ours.ts',
      "import { AppError } from '@relay/errors';\nexport const planted = AppError;\n",
    );
    const { status, output } = cruise(file);
    expect(output).toContain(`error simulator-imports-nothing-of-ours: ${file}`);
    expect(status).not.toBe(0);
  });

  it('fail on an import cycle, type-only imports included', () => {
    const a = plant(
      'packages/errors/src/__planted__/a.ts',
      "import type { B } from './b.ts';\nexport type A = { b?: B };\n",
    );
    plant(
      'packages/errors/src/__planted__/b.ts',
      "import type { A } from './a.ts';\nexport type B = { a?: A };\n",
    );
    const { status, output } = cruise(a);
    expect(output).toContain(`error no-circular: ${a}`);
    expect(status).not.toBe(0);
  });
});

describe('the process.env check (scripts/check-process-env.ts)', () => {
  it('fails on a process.env read outside an app config.ts, naming the rule and the file', () => {
    const file = plant(
      'packages/telemetry/src/__planted__/reads-env.ts',
      'export const level = process.env.LOG_LEVEL;\n',
    );
    const { status, output } = run(process.execPath, ['scripts/check-process-env.ts']);
    expect(output).toContain(`error process-env-only-in-config: ${file}:1`);
    expect(status).not.toBe(0);
  });

  it('allows tests to read process.env', () => {
    const file = plant(
      'packages/telemetry/src/__planted__/reads-env.test.ts',
      'export const level = process.env.LOG_LEVEL;\n',
    );
    const { output } = run(process.execPath, ['scripts/check-process-env.ts']);
    expect(output).not.toContain(file);
  });
});
