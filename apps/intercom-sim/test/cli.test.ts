import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { parseCliArgs } from '../src/cli-args.ts';
import { helpText } from '../src/cli-help.ts';

const mainPath = fileURLToPath(new URL('../src/main.ts', import.meta.url));

describe('command line', () => {
  let child: ChildProcess | undefined;
  afterEach(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
  });

  async function spawnSimulator(args: string[]) {
    child = spawn(process.execPath, [mainPath, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    const [first] = (await once(lines, 'line')) as [string];
    return { process: child, ready: JSON.parse(first) as { event: string; url: string } };
  }

  it('prints one listening line, serves, and exits 0 on SIGTERM', async () => {
    const { process: sim, ready } = await spawnSimulator([
      '--port',
      '0',
      '--token',
      'cli-token:cli-app',
    ]);
    expect(ready.event).toBe('listening');
    expect(ready.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    const me = await fetch(`${ready.url}/me`, { headers: { authorization: 'Bearer cli-token' } });
    expect(me.status).toBe(200);

    sim.kill('SIGTERM');
    const [code] = await once(sim, 'exit');
    expect(code).toBe(0);
  });

  it('loads tags, companies and contacts from --seed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'intercom-sim-'));
    try {
      const seedFile = join(dir, 'state.json');
      const seed = {
        tags: ['vip'],
        companies: [{ company_id: 'acme', name: 'Acme' }],
        contacts: [{ external_id: 'seeded-1', companies: ['acme'], tags: ['vip'] }],
      };
      writeFileSync(seedFile, JSON.stringify(seed));
      const { ready } = await spawnSimulator(['--port', '0', '--seed', seedFile]);
      const contacts = (await (await fetch(`${ready.url}/__sim/contacts`)).json()) as {
        contacts: Array<{ contact: { external_id: string; companies: { total_count: number } } }>;
      };
      expect(contacts.contacts.map((c) => c.contact.external_id)).toEqual(['seeded-1']);
      expect(contacts.contacts[0]?.contact.companies.total_count).toBe(1);
      const companies = await fetch(`${ready.url}/companies?company_id=acme`, {
        headers: { authorization: 'Bearer sim-token' },
      });
      expect(((await companies.json()) as { data: Array<{ user_count: number }> }).data).toEqual([
        expect.objectContaining({ name: 'Acme', user_count: 1 }),
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('declares a relay-sim bin: the CLI, executable, with a node shebang', async () => {
    const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    const binPath = fileURLToPath(new URL(`../${manifest.bin['relay-sim']}`, import.meta.url));
    expect(binPath).toBe(mainPath);
    expect(readFileSync(binPath, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    expect(statSync(binPath).mode & 0o111).not.toBe(0);
    expect(manifest.scripts.start).toBe('node src/main.ts');

    child = spawn(process.execPath, [binPath, '--help'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
    expect(out).toBe(helpText);
  });

  it('parses every flag into simulator options', () => {
    const command = parseCliArgs([
      '--port=0',
      '--host=0.0.0.0',
      '--token=a:app-a',
      '--token=b',
      '--workspace=ws',
      '--rate-limit=10',
      '--workspace-rate-limit=20',
      '--window-ms=1000',
      '--latency-ms=5',
      '--latency-max-ms=9',
      '--error-rate=503=0.25',
      '--faults={"hangRate":0.1}',
      '--webhook-url=http://127.0.0.1:1/hook',
      '--webhook-secret=s',
      '--webhook-retry-delay-ms=100',
      '--webhook-throttle-delay-ms=5',
      '--webhook-throttle-max-ms=50',
      '--webhook-pause-errors=3',
      '--webhook-pause-window-ms=1000',
      '--webhook-pause-ms=2000',
      '--clock-control',
      '--journal-limit=10',
      '--search-lag-ms=2000',
      '--seed=contacts.json',
      '--custom-attribute=plan:string',
      '--custom-attribute=company.seats:integer',
      '--strict-custom-attributes',
      '--log',
    ]);
    expect(command).toEqual({
      kind: 'run',
      port: 0,
      host: '0.0.0.0',
      seedFile: 'contacts.json',
      options: expect.objectContaining({
        tokens: [
          { token: 'a', appId: 'app-a' },
          { token: 'b', appId: 'simapp' },
        ],
        workspaceId: 'ws',
        rateLimit: 10,
        workspaceRateLimit: 20,
        windowMs: 1000,
        webhookUrls: ['http://127.0.0.1:1/hook'],
        webhookSecret: 's',
        webhookRetryDelayMs: 100,
        webhookThrottleDelayMs: 5,
        webhookThrottleMaxMs: 50,
        webhookPauseErrors: 3,
        webhookPauseWindowMs: 1000,
        webhookPauseMs: 2000,
        clockControl: true,
        journalLimit: 10,
        searchLagMs: 2000,
        logger: true,
        customAttributes: [
          { model: 'contact', name: 'plan', dataType: 'string' },
          { model: 'company', name: 'seats', dataType: 'integer' },
        ],
        strictCustomAttributes: true,
        faults: { hangRate: 0.1, latencyMs: { min: 5, max: 9 }, errorRates: { '503': 0.25 } },
      }),
    });
  });

  it('reports every bad flag at once', () => {
    expect(() => parseCliArgs(['--port', 'x', '--rate-limit', '0'])).toThrow(
      '--rate-limit must be an integer ≥ 1, got "0"\n--port must be an integer ≥ 0, got "x"',
    );
    expect(() => parseCliArgs(['--custom-attribute', 'plan'])).toThrow(
      '--custom-attribute must look like',
    );
    expect(parseCliArgs(['--help'])).toEqual({ kind: 'help' });
  });
});
