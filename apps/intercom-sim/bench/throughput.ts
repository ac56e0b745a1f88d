/**
 * Requests per second the simulator sustains for simple authenticated calls (GET /contacts/{id}
 * and POST /contacts), with the rate limit raised out of the way. Run:
 *   node apps/intercom-sim/bench/throughput.ts [seconds] [concurrency]
 * The client shares the machine, so the figure is a floor for the server alone.
 */
import { Agent, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildSimulator } from '../src/app.ts';

const seconds = Number(process.argv[2] ?? 3);
const concurrency = Number(process.argv[3] ?? 32);

const { app } = buildSimulator({ rateLimit: 1e9, workspaceRateLimit: 1e9 });
await app.listen({ port: 0, host: '127.0.0.1' });
const { port } = app.server.address() as AddressInfo;
const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
const headers = { authorization: 'Bearer sim-token', 'content-type': 'application/json' };

function call(
  method: string,
  path: string,
  body?: string,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers, agent }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const created = await call('POST', '/contacts', JSON.stringify({ external_id: 'bench-0' }));
const contactId = (JSON.parse(created.text) as { id: string }).id;

async function run(label: string, next: (i: number) => Promise<{ status: number }>) {
  let done = 0;
  let failed = 0;
  const deadline = Date.now() + seconds * 1000;
  const started = Date.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < deadline) {
        const { status } = await next(done);
        done++;
        if (status !== 200) failed++;
      }
    }),
  );
  const rate = Math.round(done / ((Date.now() - started) / 1000));
  console.log(`${label}: ${rate} req/s (${done} requests, ${failed} not 200)`);
}

await run('GET /contacts/{id}', () => call('GET', `/contacts/${contactId}`));
let n = 0;
await run('POST /contacts', () =>
  call('POST', '/contacts', JSON.stringify({ external_id: `bench-${++n}` })),
);
agent.destroy();
await app.close();
