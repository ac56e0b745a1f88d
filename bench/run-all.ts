/**
 * `pnpm bench`: the relay's benchmarks, one after another (each starts its own Redis,
 * simulator and worker processes, and prints its figure next to a baseline from the same run).
 * The simulator's own throughput bench: `pnpm --filter intercom-sim bench`.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const BENCHMARKS = [
  'budget-use.ts',
  'calls-per-change.ts',
  'lane-isolation.ts',
  'worker-overhead.ts',
  'feed-echoes.ts',
  'feed-completeness.ts',
  'feed-throughput.ts',
  'feed-state-size.ts',
  'push-throughput.ts',
  'push-outage.ts',
  'ingress-ack-replicas.ts',
] as const;

let failed = 0;
for (const script of BENCHMARKS) {
  console.log(`\n=== ${script} ===`);
  const run = spawnSync(process.execPath, [join(import.meta.dirname, script)], {
    stdio: 'inherit',
  });
  if (run.status !== 0) failed += 1;
}
process.exit(failed === 0 ? 0 : 1);
