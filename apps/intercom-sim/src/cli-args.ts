import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { CustomAttributeDefinition, DataType } from './data-attributes/data-attribute.ts';
import { type FaultConfig, parseFaultConfig } from './faults/fault-config.ts';
import type { SimulatorOptions, TokenGrant } from './options.ts';

export type CliCommand =
  | { kind: 'help' }
  | { kind: 'run'; port: number; host: string; seedFile: string | null; options: SimulatorOptions };

/** Every flag the CLI takes (the README's flag table and `--help` list them all). */
export const cliFlags = {
  port: { type: 'string' },
  host: { type: 'string' },
  log: { type: 'boolean' },
  token: { type: 'string', multiple: true },
  workspace: { type: 'string' },
  seed: { type: 'string' },
  'custom-attribute': { type: 'string', multiple: true },
  'strict-custom-attributes': { type: 'boolean' },
  'rate-limit': { type: 'string' },
  'workspace-rate-limit': { type: 'string' },
  'window-ms': { type: 'string' },
  'search-lag-ms': { type: 'string' },
  'webhook-url': { type: 'string', multiple: true },
  'webhook-secret': { type: 'string' },
  'webhook-retry-delay-ms': { type: 'string' },
  'webhook-timeout-ms': { type: 'string' },
  'webhook-ca': { type: 'string' },
  'webhook-throttle-delay-ms': { type: 'string' },
  'webhook-throttle-max-ms': { type: 'string' },
  'webhook-pause-errors': { type: 'string' },
  'webhook-pause-window-ms': { type: 'string' },
  'webhook-pause-ms': { type: 'string' },
  'webhook-drop-share': { type: 'string' },
  'webhook-reorder-share': { type: 'string' },
  'webhook-reorder-delay-ms': { type: 'string' },
  'random-seed': { type: 'string' },
  'latency-ms': { type: 'string' },
  'latency-max-ms': { type: 'string' },
  'error-rate': { type: 'string', multiple: true },
  faults: { type: 'string' },
  'journal-limit': { type: 'string' },
  'clock-control': { type: 'boolean' },
  help: { type: 'boolean' },
} as const;

/** Parses the command line; throws one Error listing every problem found. */
export function parseCliArgs(argv: string[]): CliCommand {
  const { values } = parseArgs({ args: argv, options: cliFlags, strict: true });
  if (values.help) return { kind: 'help' };
  const problems: string[] = [];
  const int = (name: string, value: string | undefined, min = 0): number | undefined => {
    if (value === undefined) return undefined;
    const n = Number(value);
    if (Number.isInteger(n) && n >= min) return n;
    problems.push(`--${name} must be an integer ≥ ${min}, got "${value}"`);
    return undefined;
  };
  const share = (name: string, value: string | undefined): number | undefined => {
    if (value === undefined) return undefined;
    const n = Number(value);
    if (value.trim() !== '' && n >= 0 && n <= 1) return n;
    problems.push(`--${name} must be a number in [0, 1], got "${value}"`);
    return undefined;
  };

  const options: SimulatorOptions = {
    tokens: values.token?.map(parseToken),
    workspaceId: values.workspace,
    rateLimit: int('rate-limit', values['rate-limit'], 1),
    workspaceRateLimit: int('workspace-rate-limit', values['workspace-rate-limit'], 1),
    windowMs: int('window-ms', values['window-ms'], 1),
    searchLagMs: int('search-lag-ms', values['search-lag-ms']),
    webhookUrls: values['webhook-url'],
    webhookSecret: values['webhook-secret'],
    webhookRetryDelayMs: int('webhook-retry-delay-ms', values['webhook-retry-delay-ms']),
    webhookTimeoutMs: int('webhook-timeout-ms', values['webhook-timeout-ms'], 1),
    webhookCa: readCaFile(values['webhook-ca'], problems),
    webhookThrottleDelayMs: int('webhook-throttle-delay-ms', values['webhook-throttle-delay-ms']),
    webhookThrottleMaxMs: int('webhook-throttle-max-ms', values['webhook-throttle-max-ms']),
    webhookPauseErrors: int('webhook-pause-errors', values['webhook-pause-errors']),
    webhookPauseWindowMs: int('webhook-pause-window-ms', values['webhook-pause-window-ms'], 1),
    webhookPauseMs: int('webhook-pause-ms', values['webhook-pause-ms']),
    webhookDropShare: share('webhook-drop-share', values['webhook-drop-share']),
    webhookReorderShare: share('webhook-reorder-share', values['webhook-reorder-share']),
    webhookReorderDelayMs: int('webhook-reorder-delay-ms', values['webhook-reorder-delay-ms']),
    randomSeed: int('random-seed', values['random-seed']),
    journalLimit: int('journal-limit', values['journal-limit'], 1),
    clockControl: values['clock-control'] ?? false,
    logger: values.log ?? false,
    customAttributes: values['custom-attribute']?.map((spec) =>
      parseCustomAttribute(spec, problems),
    ),
    strictCustomAttributes: values['strict-custom-attributes'] ?? false,
    faults: parseFaultFlags(values, int, problems),
  };
  const port = int('port', values.port) ?? 4010;
  if (port > 65535) problems.push('--port must be at most 65535');
  if (problems.length > 0) throw new Error(problems.join('\n'));
  const host = values.host ?? '127.0.0.1';
  return { kind: 'run', port, host, seedFile: values.seed ?? null, options };
}

/** The PEM file `--webhook-ca` names, read now so a wrong path stops the start. */
function readCaFile(path: string | undefined, problems: string[]): string | undefined {
  if (path === undefined) return undefined;
  try {
    return readFileSync(path, 'utf8');
  } catch {
    problems.push(`--webhook-ca: cannot read ${path}`);
    return undefined;
  }
}

const dataTypes = new Set(['string', 'integer', 'float', 'boolean', 'date']);

function parseCustomAttribute(spec: string, problems: string[]): CustomAttributeDefinition {
  const match = /^(?:(contact|company)\.)?([^:]+):(\w+)$/.exec(spec);
  const [, model, name, dataType] = match ?? [];
  if (!name || !dataType || !dataTypes.has(dataType)) {
    problems.push(`--custom-attribute must look like [contact.|company.]NAME:TYPE, got "${spec}"`);
    return { name: spec, dataType: 'string' };
  }
  return {
    model: (model ?? 'contact') as 'contact' | 'company',
    name,
    dataType: dataType as DataType,
  };
}

function parseToken(value: string): TokenGrant {
  const colon = value.indexOf(':');
  if (colon === -1) return { token: value, appId: 'simapp' };
  return { token: value.slice(0, colon), appId: value.slice(colon + 1) || 'simapp' };
}

function parseFaultFlags(
  values: {
    faults?: string;
    'latency-ms'?: string;
    'latency-max-ms'?: string;
    'error-rate'?: string[];
  },
  int: (name: string, value: string | undefined) => number | undefined,
  problems: string[],
): FaultConfig {
  let raw: Record<string, unknown> = {};
  if (values.faults !== undefined) {
    try {
      raw = JSON.parse(values.faults) as Record<string, unknown>;
    } catch {
      problems.push('--faults must be JSON');
    }
  }
  const min = int('latency-ms', values['latency-ms']);
  const max = int('latency-max-ms', values['latency-max-ms']);
  if (min !== undefined) raw.latencyMs = max === undefined ? min : { min, max };
  for (const entry of values['error-rate'] ?? []) {
    const [status, rate] = entry.split('=');
    raw.errorRates = { ...(raw.errorRates as object), [status ?? '']: Number(rate) };
  }
  const parsed = parseFaultConfig(raw, Date.now());
  if ('problems' in parsed) {
    problems.push(...parsed.problems);
    return {};
  }
  return parsed.config;
}
