/**
 * The dependency map of ARCHITECTURE.md ("Dependencies point one way"), checked by
 * `pnpm run deps` (scripts/deps.sh) over apps/, packages/, test/, bench/ and scripts/.
 *
 *   apps/* → sync → intercom, jobs → errors, config, telemetry
 *
 * Paths are relative to the repository root. `@relay/*` imports resolve through the pnpm
 * workspace links to `packages/<name>/src/...`, so rules name folders; each rule also
 * matches the bare specifier in case a package is imported without being declared (it then
 * does not resolve, and `not-to-unresolvable` reports it as well).
 *
 * Tests (`*.test.ts`, any `test/` folder) and benchmarks (any `bench/` folder) may import
 * testkit and anything else: only the cycle and resolution rules apply to them.
 *
 * What dependency-cruiser cannot see, `process.env` reads, scripts/check-process-env.ts checks.
 */

// dependency-cruiser parses TypeScript with swc (see `parser` below). Without it, it skips
// every .ts file and reports no violation: fail loudly instead of passing on nothing.
require.resolve('@swc/core');

/** Tests and benchmarks: exempt from the layering rules. */
const TESTS_AND_BENCH = '(^|/)(test|bench)/|\\.test\\.ts$';

/** A module (the installed package, or the bare specifier when it does not resolve). */
const npm = (name) => `(^|/)node_modules/${name}/|^${name}(/|$)`;
/** One of our workspace packages, by folder or by `@relay/` name. */
const ours = (names) => `^packages/(${names})/|^@relay/(${names})(/|$)`;

const APPS = 'ingress|worker|cli|intercom-sim';
const PACKAGES = 'config|errors|intercom|jobs|sync|telemetry|testkit';

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'No import cycles anywhere: a file must be understandable without its importers.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      comment:
        'Every import resolves (a misspelt path, or a workspace package missing from package.json); an import that does not resolve escapes the rules below.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: 'apps-not-to-other-apps',
      comment: 'Apps never import each other: they talk over HTTP and queues.',
      severity: 'error',
      from: { path: '^apps/([^/]+)/', pathNot: TESTS_AND_BENCH },
      to: { path: `^apps/|^@relay/(${APPS})(/|$)`, pathNot: '^apps/$1/' },
    },
    {
      name: 'packages-not-to-apps',
      comment:
        'Nothing in packages/ imports from apps/ (testkit included: it runs apps only as processes it spawns).',
      severity: 'error',
      from: { path: '^packages/', pathNot: TESTS_AND_BENCH },
      to: { path: `^apps/|^@relay/(${APPS})(/|$)` },
    },
    {
      name: 'simulator-imports-nothing-of-ours',
      comment:
        'The simulator stands in for a third party (Intercom): it depends on no package of ours.',
      severity: 'error',
      from: { path: '^apps/intercom-sim/', pathNot: TESTS_AND_BENCH },
      to: { path: `^packages/|^apps/|^@relay/`, pathNot: '^apps/intercom-sim/' },
    },
    {
      name: 'intercom-client-only-in-packages-intercom',
      comment: 'packages/intercom is the only place that talks to Intercom.',
      severity: 'error',
      from: { pathNot: `^packages/intercom/|${TESTS_AND_BENCH}` },
      to: { path: npm('intercom-client') },
    },
    {
      name: 'bullmq-only-in-jobs-queue-and-apps',
      comment:
        'packages/jobs is the contract, free of BullMQ, except its queue/ export; sync and intercom never see BullMQ.',
      severity: 'error',
      from: { pathNot: `^packages/jobs/src/queue/|^apps/|${TESTS_AND_BENCH}` },
      to: { path: npm('bullmq') },
    },
    {
      name: 'sync-imports-jobs-intercom-and-foundations',
      comment: 'packages/sync (the domain) uses jobs, intercom, errors, config and telemetry only.',
      severity: 'error',
      from: { path: '^packages/sync/', pathNot: TESTS_AND_BENCH },
      to: {
        path: ours(PACKAGES),
        pathNot: ours('sync|jobs|intercom|errors|config|telemetry'),
      },
    },
    {
      name: 'jobs-imports-foundations-only',
      comment: 'packages/jobs (the contract) uses errors, config and telemetry only.',
      severity: 'error',
      from: { path: '^packages/jobs/', pathNot: TESTS_AND_BENCH },
      to: { path: ours(PACKAGES), pathNot: ours('jobs|errors|config|telemetry') },
    },
    {
      name: 'intercom-imports-foundations-only',
      comment: 'packages/intercom uses errors, config and telemetry only (never jobs or sync).',
      severity: 'error',
      from: { path: '^packages/intercom/', pathNot: TESTS_AND_BENCH },
      to: { path: ours(PACKAGES), pathNot: ours('intercom|errors|config|telemetry') },
    },
    {
      name: 'foundations-import-foundations-only',
      comment:
        'errors, config and telemetry are the bottom of the map: they import no other layer.',
      severity: 'error',
      from: { path: '^packages/(errors|config|telemetry)/', pathNot: TESTS_AND_BENCH },
      to: { path: ours(PACKAGES), pathNot: ours('errors|config|telemetry') },
    },
    {
      name: 'testkit-only-in-tests',
      comment:
        'testkit (test Redis, simulator processes, fixtures) is for tests and benchmarks; app and package code never imports it.',
      severity: 'error',
      from: { path: '^(apps|packages)/', pathNot: `^packages/testkit/|${TESTS_AND_BENCH}` },
      to: { path: ours('testkit') },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(apps|packages)/[^/]+/(dist|coverage)/' },
    // TypeScript 7 has no JavaScript API for dependency-cruiser to parse with, so swc parses.
    // swc keeps type-only imports (marked `type-only`), and they count: a type cycle still
    // ties files together, and a type from bullmq is still bullmq. (tsPreCompilationDeps is
    // a tsc-parser switch: setting it would only warn that tsc is missing.)
    parser: 'swc',
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.json', '.d.ts'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    skipAnalysisNotInRules: true,
  },
};
