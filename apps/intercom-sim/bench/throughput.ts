/**
 * Throughput of the simulator for simple calls, GET /me and POST /contacts, measured with
 * autocannon against the simulator started as its own process (the CLI), next to a baseline
 * measured in the same run: a bare node:http server answering the same JSON. Run:
 *   pnpm --filter intercom-sim bench [-- --duration 10 --connections 50]
 * With `taskset`, the server is pinned to core 0 and autocannon to core 1, so the figure is
 * what one core serves. Rate limits are raised out of the way.
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { pinToCore, startServerProcess } from './server-process.ts';

const { values } = parseArgs({
  options: { duration: { type: 'string' }, connections: { type: 'string' } },
});
const duration = Number(values.duration ?? 10);
const connections = Number(values.connections ?? 50);
const target = 5_000;
// Autocannon (this process) on core 1, the servers on core 0.
const pinning = pinToCore(process.pid, 1);

const script = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const headers = {
  authorization: 'Bearer sim-token',
  'content-type': 'application/json',
  'intercom-version': '2.14',
};

type Endpoint = { name: string; method: 'GET' | 'POST'; path: string; body?: string };
const endpoints: Endpoint[] = [
  { name: 'GET /me', method: 'GET', path: '/me' },
  // [<id>] is replaced by a fresh id per request: every POST creates a new contact.
  { name: 'POST /contacts', method: 'POST', path: '/contacts', body: '{"external_id":"b-[<id>]"}' },
];

async function measure(url: string, endpoint: Endpoint) {
  const run = (seconds: number) =>
    autocannon({
      url: `${url}${endpoint.path}`,
      method: endpoint.method,
      headers,
      ...(endpoint.body ? { body: endpoint.body, idReplacement: true } : {}),
      connections,
      duration: seconds,
    });
  await run(2); // warm-up: JIT, sockets
  const result = await run(duration);
  return {
    rps: Math.round(result.requests.average),
    p99: result.latency.p99,
    bad: result.non2xx + result.errors + result.timeouts,
  };
}

const simulator = await startServerProcess(
  script('../src/main.ts'),
  ['--port', '0', '--rate-limit', '1000000000', '--workspace-rate-limit', '1000000000'],
  { cpu: pinning ? 0 : null },
);
const sample = async (endpoint: Endpoint) => {
  const response = await fetch(`${simulator.url}${endpoint.path}`, {
    method: endpoint.method,
    headers,
    ...(endpoint.body ? { body: endpoint.body.replace('[<id>]', 'sample') } : {}),
  });
  return response.text();
};
const [meBody, contactBody] = await Promise.all(endpoints.map(sample));

const rows: string[][] = [];
let failed = false;
try {
  const simResults = [];
  for (const endpoint of endpoints) simResults.push(await measure(simulator.url, endpoint));
  await simulator.stop();

  const baseline = await startServerProcess(script('./baseline-server.ts'), [], {
    cpu: pinning ? 0 : null,
    env: { BASELINE_ME: meBody ?? '{}', BASELINE_CONTACT: contactBody ?? '{}' },
  });
  try {
    for (const [i, endpoint] of endpoints.entries()) {
      const sim = simResults[i];
      const base = await measure(baseline.url, endpoint);
      if (!sim) continue;
      failed ||= sim.bad > 0 || base.bad > 0;
      rows.push([
        endpoint.name,
        sim.rps.toLocaleString('en-US'),
        `${sim.p99} ms`,
        base.rps.toLocaleString('en-US'),
        `${base.p99} ms`,
        `${((sim.rps / base.rps) * 100).toFixed(0)} %`,
        sim.rps >= target ? 'yes' : 'NO',
        String(sim.bad + base.bad),
      ]);
    }
  } finally {
    await baseline.stop();
  }
} finally {
  await simulator.stop();
}

const heading = [
  'endpoint',
  'sim req/s',
  'sim P99',
  'baseline req/s',
  'baseline P99',
  'sim/baseline',
  `≥ ${target}/s`,
  'errors',
];
console.log(
  `intercom-sim throughput: ${duration} s per run, ${connections} connections, node ${process.version}, ` +
    (pinning ? 'server on core 0, autocannon on core 1' : 'no core pinning'),
);
printTable([heading, ...rows]);
if (failed) {
  console.error('some answers were not 2xx (or errored): the figures are not valid');
  process.exitCode = 1;
}

/** Markdown table, so the output can go into docs/benchmarks.md as is. */
function printTable(table: string[][]) {
  const widths =
    table[0]?.map((_, col) => Math.max(...table.map((row) => row[col]?.length ?? 0))) ?? [];
  const line = (row: string[]) =>
    `| ${row.map((cell, col) => cell.padEnd(widths[col] ?? 0)).join(' | ')} |`;
  const [head, ...body] = table;
  console.log(line(head ?? []));
  console.log(`| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`);
  for (const row of body) console.log(line(row));
}
