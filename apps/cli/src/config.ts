import { createEnvReader, type EnvSource, type Secret } from '@relay/config';
import { UsageError } from './errors.ts';

/** Flags that override the environment (secrets have none: a flag shows in `ps` and history). */
export type ConfigFlags = {
  relayUrl?: string | undefined;
  adminUrl?: string | undefined;
  intercomUrl?: string | undefined;
  statusUrl?: string | undefined;
  workerMetrics?: string | undefined;
};

export type CliConfig = ReturnType<typeof loadConfig>;

/**
 * The CLI's whole configuration: the environment (each secret also as NAME_FILE), with flags
 * winning. Only this file reads process.env. A bad value is a usage error (exit 2) listing
 * every problem.
 */
export function loadConfig(flags: ConfigFlags = {}, source: EnvSource = process.env) {
  const merged: EnvSource = {
    ...source,
    RELAY_URL: flags.relayUrl ?? source.RELAY_URL,
    ADMIN_URL: flags.adminUrl ?? source.ADMIN_URL,
    INTERCOM_API_BASE_URL: flags.intercomUrl ?? source.INTERCOM_API_BASE_URL,
    INTERCOM_STATUS_URL: flags.statusUrl ?? source.INTERCOM_STATUS_URL,
    WORKER_METRICS_URLS: flags.workerMetrics ?? source.WORKER_METRICS_URLS,
  };
  const env = createEnvReader(merged);
  const httpUrl = { protocols: ['http:', 'https:'] };
  const relayUrl = env.url('RELAY_URL', { default: 'http://127.0.0.1:3000', ...httpUrl });
  const config = {
    /** The ingress: /v1, /webhooks, /readyz, /metrics. */
    relayUrl,
    /**
     * The ingress as Intercom reaches it (its webhook URL's base); RELAY_URL may be an
     * internal address. preflight warns when it is not https.
     */
    publicUrl: env.url('RELAY_PUBLIC_URL', { default: relayUrl, ...httpUrl }),
    /** The admin API's base; a separate internal listener when the ingress runs one. */
    adminUrl: env.url('ADMIN_URL', { default: relayUrl, ...httpUrl }),
    adminToken: env.secret('ADMIN_TOKEN'),
    /** One of the ingress's CRM_API_TOKENS, for backfill. */
    crmToken: env.secret('CRM_API_TOKEN'),
    intercom: {
      baseUrl: env.url('INTERCOM_API_BASE_URL', { default: 'https://api.intercom.io', ...httpUrl }),
      version: env.string('INTERCOM_API_VERSION', { default: '2.14' }),
      token: env.secret('INTERCOM_ACCESS_TOKEN'),
    },
    /** Intercom's public status page (statuspage.io JSON). */
    statusUrl: env.url('INTERCOM_STATUS_URL', {
      default: 'https://www.intercomstatus.com/api/v2/status.json',
      ...httpUrl,
    }),
    workerMetricsUrls: env.list('WORKER_METRICS_URLS').map((url) => url.replace(/\/+$/, '')),
    /** https://no-color.org: any non-empty value turns colour off. */
    noColor: env.string('NO_COLOR') !== '',
  };
  for (const url of config.workerMetricsUrls) {
    if (!URL.canParse(url)) env.problem(`WORKER_METRICS_URLS holds a value that is not a URL`);
  }
  try {
    env.finish();
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  return config;
}

/** A secret the command cannot work without: a usage error naming both ways to set it. */
export function requireSecret(secret: Secret | undefined, name: string, purpose: string): string {
  const value = secret?.get() ?? '';
  if (value === '') throw new UsageError(`${name} (or ${name}_FILE) is not set: ${purpose}`);
  return value;
}
