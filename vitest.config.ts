import { configDefaults, defineConfig } from 'vitest/config';

/**
 * Tests beside the sources that still start a process or a Redis: they run with the
 * component tests, so the unit project stays pure and quick.
 */
const besideSourcesButNotUnit = [
  'packages/config/src/v8-tuning.test.ts', // spawns node with each app's V8 flags
  'packages/testkit/src/redis.test.ts', // starts redis-server (and a container where Docker is)
];

// One run over the whole workspace in projects, so the test command prints one summary and
// `pnpm test:<project>` runs one kind alone (`vitest run --project <name>`):
//   unit         beside the sources, start nothing (no process, no Redis): seconds
//   component    an app or package through its API (app.inject(), the SDK) on a real Redis,
//                the simulator as a process, the CLI as a process
//   integration  the whole relay as processes against Redis and the simulator
//   faults       the same with Redis, Intercom or workers made to fail
//   deploy       the shipped Prometheus, Grafana and compose files
//   repo         the repository itself (pins, committed secrets) and scripts/
// Integration tests start their own redis-server and simulator processes: two workers, shared
// by every project of a run, keep them from fighting for this machine's two cores.
export default defineConfig({
  test: {
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 30_000,
    teardownTimeout: 15_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['apps/*/src/**/*.test.ts', 'packages/*/src/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...besideSourcesButNotUnit],
        },
      },
      {
        extends: true,
        test: {
          name: 'component',
          include: [
            'apps/*/test/**/*.test.ts',
            'packages/*/test/**/*.test.ts',
            ...besideSourcesButNotUnit,
          ],
        },
      },
      { extends: true, test: { name: 'integration', include: ['test/integration/**/*.test.ts'] } },
      { extends: true, test: { name: 'faults', include: ['test/faults/**/*.test.ts'] } },
      { extends: true, test: { name: 'deploy', include: ['test/deploy/**/*.test.ts'] } },
      {
        extends: true,
        test: { name: 'repo', include: ['test/repo/**/*.test.ts', 'scripts/**/*.test.ts'] },
      },
    ],
  },
});
