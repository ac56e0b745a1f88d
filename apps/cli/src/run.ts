import { type Command, parseCommandArgs, stringOption } from './args.ts';
import { COMMANDS } from './commands/index.ts';
import { type ConfigFlags, loadConfig } from './config.ts';
import { CliError, ExitCode, UsageError } from './errors.ts';
import { type Io, writeLine } from './io.ts';
import { createStyle } from './output/style.ts';

export type RunOptions = { env?: Record<string, string | undefined> };

/**
 * Runs one `relay` invocation and answers its exit code: 0 ok, 1 a check or operation failed,
 * 2 usage or configuration error. Errors become one line on stderr, never a stack trace.
 */
export async function run(argv: string[], io: Io, options: RunOptions = {}): Promise<number> {
  const first = argv[0];
  if (first === undefined || first === 'help' || first === '--help' || first === '-h') {
    writeLine(first === undefined ? io.stderr : io.stdout, generalHelp());
    return first === undefined ? ExitCode.usage : ExitCode.ok;
  }
  const group = groupHelp(argv);
  if (group !== undefined) {
    writeLine(io.stdout, group);
    return ExitCode.ok;
  }
  try {
    const { command, rest } = findCommand(argv);
    const { values, positionals } = parseCommandArgs(rest, command.options ?? {});
    if (values.help === true) {
      writeLine(io.stdout, `${command.help}\n\n${GLOBAL_HELP}`);
      return ExitCode.ok;
    }
    const flags: ConfigFlags = {
      relayUrl: stringOption(values, 'relay-url'),
      adminUrl: stringOption(values, 'admin-url'),
      intercomUrl: stringOption(values, 'intercom-url'),
      statusUrl: stringOption(values, 'status-url'),
      workerMetrics: stringOption(values, 'worker-metrics'),
    };
    const config = loadConfig(flags, options.env);
    const color = io.stdout.isTTY === true && !config.noColor && values['no-color'] !== true;
    return await command.run({
      io,
      config,
      values,
      positionals,
      json: values.json === true,
      style: createStyle(color),
    });
  } catch (error) {
    if (error instanceof CliError) {
      writeLine(io.stderr, `relay: ${error.message}`);
      if (error instanceof UsageError) writeLine(io.stderr, 'run `relay --help` for usage');
      return error.exitCode;
    }
    writeLine(io.stderr, `relay: unexpected error: ${(error as Error).message ?? error}`);
    return ExitCode.failed;
  }
}

function findCommand(argv: string[]): { command: Command; rest: string[] } {
  const two = `${argv[0]} ${argv[1] ?? ''}`;
  const byTwo = COMMANDS.find((command) => command.name === two);
  if (byTwo) return { command: byTwo, rest: argv.slice(2) };
  const byOne = COMMANDS.find((command) => command.name === argv[0]);
  if (byOne) return { command: byOne, rest: argv.slice(1) };
  const group = COMMANDS.filter((command) => command.name.startsWith(`${argv[0]} `));
  if (group.length > 0) {
    const names = group.map((command) => command.name).join(', ');
    const what = argv[1] === undefined ? 'needs a subcommand' : `has no subcommand "${argv[1]}"`;
    throw new UsageError(`${argv[0]} ${what}: ${names}`);
  }
  throw new UsageError(`unknown command "${argv[0]}"`);
}

const GLOBAL_HELP = `Options for every command:
  --json                 machine-readable output on stdout
  --no-color             no colours (also NO_COLOR=1; colours are used only on a terminal)
  --relay-url URL        the ingress (env RELAY_URL, default http://127.0.0.1:3000)
  --admin-url URL        the admin API (env ADMIN_URL, default RELAY_URL)
  --intercom-url URL     the Intercom API (env INTERCOM_API_BASE_URL, default https://api.intercom.io)
  --status-url URL       Intercom's status page JSON (env INTERCOM_STATUS_URL)
  --worker-metrics URLS  comma-separated worker /metrics URLs (env WORKER_METRICS_URLS)
  -h, --help             this help

Secrets come only from the environment, each also as NAME_FILE: ADMIN_TOKEN, CRM_API_TOKEN,
INTERCOM_ACCESS_TOKEN. Exit codes: 0 ok, 1 a check or operation failed, 2 usage or config error.`;

function generalHelp(): string {
  return `relay — the intercom-relay operator's CLI

Usage: relay <command> [options]     relay <command> --help for details

Commands:
${commandList(COMMANDS)}

${GLOBAL_HELP}`;
}

/** `relay queues --help` (or -h): the group's subcommands; undefined for anything else. */
function groupHelp(argv: readonly string[]): string | undefined {
  const [name, flag] = argv;
  if (flag !== '--help' && flag !== '-h') return undefined;
  const members = COMMANDS.filter((command) => command.name.startsWith(`${name} `));
  if (members.length === 0) return undefined;
  return `Usage: relay ${name} <subcommand> [options]     relay ${name} <subcommand> --help for details

Subcommands:
${commandList(members)}

${GLOBAL_HELP}`;
}

function commandList(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((command) => command.name.length));
  return commands
    .map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`)
    .join('\n');
}
