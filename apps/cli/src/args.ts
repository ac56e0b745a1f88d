import { type ParseArgsOptionsConfig, parseArgs } from 'node:util';
import type { CliConfig } from './config.ts';
import { UsageError } from './errors.ts';
import type { Io } from './io.ts';
import type { Style } from './output/style.ts';

/** Options every command takes. */
const GLOBAL_OPTIONS = {
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  'no-color': { type: 'boolean' },
  'relay-url': { type: 'string' },
  'admin-url': { type: 'string' },
  'intercom-url': { type: 'string' },
  'status-url': { type: 'string' },
  'worker-metrics': { type: 'string' },
} as const satisfies ParseArgsOptionsConfig;

export type ParsedValues = Record<string, string | boolean | string[] | boolean[] | undefined>;

export function parseCommandArgs(args: string[], options: ParseArgsOptionsConfig) {
  try {
    return parseArgs({
      args,
      options: { ...GLOBAL_OPTIONS, ...options },
      allowPositionals: true,
      strict: true,
    }) as { values: ParsedValues; positionals: string[] };
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** What a command gets: parsed arguments, configuration, and where to write. */
export type CommandContext = {
  io: Io;
  config: CliConfig;
  values: ParsedValues;
  positionals: string[];
  json: boolean;
  /** Colours for stdout. */
  style: Style;
};

export type Command = {
  /** The words that select it, e.g. `queues pause`. */
  name: string;
  summary: string;
  /** Full --help text (usage line, arguments, options, examples). */
  help: string;
  options?: ParseArgsOptionsConfig;
  run(context: CommandContext): Promise<number>;
};

/** A string option's value, or undefined. */
export function stringOption(values: ParsedValues, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

/** A positive whole-number option, with a usage error naming the option when it is not one. */
export function intOption(
  values: ParsedValues,
  name: string,
  bounds: { default: number; min: number; max: number },
): number {
  const text = stringOption(values, name);
  if (text === undefined) return bounds.default;
  const value = Number(text);
  if (!Number.isInteger(value) || value < bounds.min || value > bounds.max) {
    throw new UsageError(`--${name} must be a whole number from ${bounds.min} to ${bounds.max}`);
  }
  return value;
}
