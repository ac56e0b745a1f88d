/**
 * Only each app's `config.ts` reads `process.env` (ARCHITECTURE.md, "Dependencies point one
 * way"): it exports `loadConfig(source = process.env)`, so everything else gets its settings
 * as arguments and tests pass a plain object.
 *
 * dependency-cruiser sees imports, not property reads, so this check greps the TypeScript
 * sources under apps/ and packages/ instead. Allowed besides `apps/<app>/src/config.ts`:
 * tests (`*.test.ts`, any `test/` folder), benchmarks (any `bench/` folder) and
 * packages/testkit, which start processes with the environment they need; the root test/,
 * bench/ and scripts/ folders are not scanned at all (they are tests, benchmarks and tools).
 *
 * It matches `process.env`, `process['env']`, `{ env } = process` and `env` imported from
 * `node:process`, and skips lines that are comments. Run by `pnpm run deps` (scripts/deps.sh);
 * prints each read as `error process-env-only-in-config: <file>:<line>` and exits 1.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const RULE = 'process-env-only-in-config';
const ROOT = join(import.meta.dirname, '..');
const SCANNED = ['apps', 'packages'];
const SKIPPED_DIRS = new Set(['node_modules', 'dist', 'coverage']);

const ALLOWED = [
  /^apps\/[^/]+\/src\/config\.ts$/,
  /\.test\.[cm]?tsx?$/,
  /(^|\/)(test|bench)\//,
  /^packages\/testkit\//,
];

const READS = [
  /\bprocess\s*\.\s*env\b/,
  /\bprocess\s*\[\s*['"`]env['"`]\s*\]/,
  /\{[^}]*\benv\b[^}]*\}\s*=\s*(globalThis\s*\.\s*)?process\b/,
  /import\s*\{[^}]*\benv\b[^}]*\}\s*from\s*['"](node:)?process['"]/,
];

/** TypeScript files under `dir` (relative to the root), never descending into installs. */
function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return SKIPPED_DIRS.has(entry.name) ? [] : sourceFiles(path);
    return entry.isFile() && /\.[cm]?tsx?$/.test(entry.name) ? [path] : [];
  });
}

const isComment = (line: string) => /^\s*(\/\/|\/\*|\*)/.test(line);

const files = SCANNED.flatMap(sourceFiles).filter((f) => !ALLOWED.some((re) => re.test(f)));
let violations = 0;
for (const file of files) {
  const lines = readFileSync(join(ROOT, file), 'utf8').split('\n');
  lines.forEach((line, index) => {
    if (isComment(line) || !READS.some((re) => re.test(line))) return;
    violations++;
    console.log(`  error ${RULE}: ${file}:${index + 1}  ${line.trim()}`);
  });
}

if (violations > 0) {
  console.log(
    `\nx ${violations} process.env read(s) outside apps/*/src/config.ts (${files.length} files checked).`,
  );
  process.exitCode = 1;
} else {
  console.log(
    `✔ no process.env read outside apps/*/src/config.ts (${files.length} files checked).`,
  );
}
