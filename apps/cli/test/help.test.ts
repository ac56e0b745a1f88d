import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../src/commands/index.ts';
import { run } from '../src/run.ts';
import { runCli } from './cli.ts';

/** Every way to ask for help: the CLI, each command, each group of subcommands. */
const groups = [...new Set(COMMANDS.flatMap((command) => command.name.split(' ').slice(0, -1)))];
const asks: string[][] = [
  ['--help'],
  ['-h'],
  ['help'],
  ...[...groups, ...COMMANDS.map((command) => command.name)].flatMap((name) =>
    ['--help', '-h'].map((flag) => [...name.split(' '), flag]),
  ),
];

/** run() as main.ts calls it, with streams the test reads. */
async function runInProcess(args: string[]) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk) => {
    out += chunk;
  });
  stderr.on('data', (chunk) => {
    err += chunk;
  });
  // Nothing listens there: help must not make a request.
  const code = await run(
    args,
    { stdout, stderr, stdin: new PassThrough() },
    {
      env: { RELAY_URL: 'http://127.0.0.1:9' },
    },
  );
  return { code, stdout: out, stderr: err };
}

describe('relay … --help', () => {
  it('covers every command and group', () => {
    expect(groups.sort()).toEqual(['feed', 'queues', 'token']);
    expect(asks.length).toBe(3 + (groups.length + COMMANDS.length) * 2);
  });

  it.each(asks.map((args) => [args.join(' '), args] as const))(
    'relay %s exits 0 with help on stdout and nothing on stderr',
    async (_shown, args) => {
      const result = await runInProcess([...args]);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toMatch(/Usage: relay /);
      expect(result.stderr).toBe('');
    },
  );

  it('lists a group’s subcommands, as the process an operator runs', async () => {
    const queues = await runCli(['queues', '--help']);
    expect(queues.code).toBe(0);
    expect(queues.stdout).toMatch(/Usage: relay queues <subcommand>/);
    expect(queues.stdout).toMatch(/^ {2}queues drain +delete a lane's jobs/m);
    const token = await runCli(['token', '-h']);
    expect(token.code).toBe(0);
    expect(token.stdout).toMatch(/^ {2}token check +/m);
  });
});
