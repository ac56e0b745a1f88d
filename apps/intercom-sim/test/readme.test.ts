import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { buildSimulator } from '../src/app.ts';
import { cliFlags } from '../src/cli-args.ts';
import { helpText } from '../src/cli-help.ts';

/**
 * The README documents every endpoint, control route and flag: its tables are compared with
 * the routes the router serves and the flags the CLI parses, both ways.
 */
const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

/** The first cells of the first table after a heading. */
function firstColumn(heading: string): string[] {
  const at = readme.indexOf(`\n${heading}\n`);
  expect(at, `README has a "${heading}" heading`).toBeGreaterThan(-1);
  const table: string[] = [];
  for (const line of readme.slice(at + heading.length + 2).split('\n')) {
    if (line.startsWith('|')) table.push(line);
    else if (table.length > 0) break;
  }
  expect(table.length, `a table under "${heading}"`).toBeGreaterThan(2);
  // Cells split on | except an escaped \| inside a cell; row 0 is the header, row 1 the rule.
  return table.slice(2).map((line) => line.split(/(?<!\\)\|/)[1] ?? '');
}

const routesIn = (cells: string[]) =>
  cells.flatMap((cell) =>
    [...cell.matchAll(/`((?:GET|POST|PUT|PATCH|DELETE) \/[^`\s]*)`/g)].map((m) => m[1]),
  );

describe('README', () => {
  const sim = buildSimulator();
  afterAll(() => sim.app.close());
  const served = sim.routes.map((r) => `${r.method} ${r.url.replace(/:(\w+)/g, '{$1}')}`);

  it('lists every API route the router serves, and no other', () => {
    const api = served.filter((route) => !route.includes(' /__sim/'));
    expect(routesIn(firstColumn('## API')).sort()).toEqual(api.sort());
  });

  it('lists every control route, and no other', () => {
    const control = served.filter((route) => route.includes(' /__sim/'));
    expect(routesIn(firstColumn('## Control routes (`/__sim/`)')).sort()).toEqual(control.sort());
  });

  it('lists every CLI flag in the flag table and in --help, and no other', () => {
    const flags = Object.keys(cliFlags).map((name) => `--${name}`);
    const documented = firstColumn('### Flags and options').flatMap((cell) =>
      [...cell.matchAll(/--[a-z-]+/g)].map((m) => m[0]),
    );
    expect([...new Set(documented)].sort()).toEqual(flags.sort());
    const inHelp = new Set([...helpText.matchAll(/--[a-z-]+/g)].map((m) => m[0]));
    expect(flags.filter((flag) => !inHelp.has(flag))).toEqual([]);
  });
});
