import type { CustomAttributeDefinition } from './data-attributes/data-attribute.ts';
import type { FaultConfig } from './faults/fault-config.ts';
import { seededRandom } from './lib/seeded-random.ts';
import type { SeedContact, SeedState } from './seed/seed-file.ts';
import { defaultWebhookFaults } from './webhooks/delivery-faults.ts';

/** An access token and the private app it belongs to (the app owns a rate-limit bucket). */
export type TokenGrant = { token: string; appId: string };

export type SimulatorOptions = {
  /** Accepted access tokens. @defaultValue one token `sim-token` for app `simapp` */
  tokens?: TokenGrant[];
  /**
   * The workspace every app belongs to: `app.id_code` in `GET /me`, `workspace_id` on contacts,
   * `app_id` in webhooks. @defaultValue `simapp`
   */
  workspaceId?: string;
  /** Calls per app per window (Intercom: 10,000/min → 1,666 per 10 s). @defaultValue 1666 */
  rateLimit?: number;
  /** Calls per window for the whole workspace, shared by all apps. @defaultValue 4166 */
  workspaceRateLimit?: number;
  /** Rate-limit window length; windows are aligned to the epoch. @defaultValue 10000 */
  windowMs?: number;
  /** Webhook receivers; every notification goes to each of them. @defaultValue [] */
  webhookUrls?: string[];
  /** Client secret used for `X-Hub-Signature`. @defaultValue `sim-client-secret` */
  webhookSecret?: string;
  /** Delay before the single retry of a failed delivery (Intercom: 1 min). @defaultValue 60000 */
  webhookRetryDelayMs?: number;
  /** Delivery timeout (Intercom: 5 s). @defaultValue 5000 */
  webhookTimeoutMs?: number;
  /**
   * Certificates (PEM) trusted for `https://` receivers besides the system's: a receiver with
   * a self-signed or private-CA certificate (tests, a staging ingress). @defaultValue ''
   */
  webhookCa?: string;
  /** First re-send delay after a 429 (Intercom: 1 min), doubling per 429. @defaultValue 60000 */
  webhookThrottleDelayMs?: number;
  /** Longest a notification is held by 429s before it is dropped (Intercom: 2 h). */
  webhookThrottleMaxMs?: number;
  /** Consecutive errors on a topic beyond which it pauses (Intercom: 1,000). */
  webhookPauseErrors?: number;
  /** Window those errors must fall in (Intercom: 15 min). @defaultValue 900000 */
  webhookPauseWindowMs?: number;
  /** How long a topic stays paused (Intercom: 15 min). @defaultValue 900000 */
  webhookPauseMs?: number;
  /** Share of notifications lost outright (never sent, counted `lost`). @defaultValue 0 */
  webhookDropShare?: number;
  /** Share of notifications held back, so later ones overtake them. @defaultValue 0 */
  webhookReorderShare?: number;
  /** How long a held-back notification waits. @defaultValue 300 */
  webhookReorderDelayMs?: number;
  /** How long a write takes to become visible to search. @defaultValue 0 */
  searchLagMs?: number;
  /**
   * Tags, companies and contacts present from the start (no webhooks, searchable at once), as
   * a `--seed` file holds them. @defaultValue nothing
   */
  seed?: Partial<SeedState>;
  /** Shorthand for `seed.contacts` (both are loaded). @defaultValue [] */
  seedContacts?: SeedContact[];
  /** Custom data attributes that exist from the start. @defaultValue [] */
  customAttributes?: CustomAttributeDefinition[];
  /**
   * Refuse writes to custom attributes nobody created (400 `parameter_not_found`), as Intercom
   * does. Off by default: unknown attributes are created on first write. @defaultValue false
   */
  strictCustomAttributes?: boolean;
  /** Faults active from the start; `DELETE /__sim/faults` and reset return to these. */
  faults?: FaultConfig;
  /**
   * Let `POST /__sim/clock` set, advance or freeze the simulator's clock (windows, timestamps,
   * search lag, webhook pauses). @defaultValue false
   */
  clockControl?: boolean;
  /** Journal entries kept (oldest dropped first). @defaultValue 5000 */
  journalLimit?: number;
  /** Fastify logger (to stderr when run from the CLI). @defaultValue false */
  logger?: boolean;
  /** Clock in epoch ms: inject one to make windows, timestamps and search lag exact in tests. */
  now?: () => number;
  /** Random source in [0, 1) used by fault rates. @defaultValue Math.random */
  random?: () => number;
  /** Without `random`: a seeded random source, so faults repeat from run to run. */
  randomSeed?: number;
};

export type ResolvedOptions = Required<
  Omit<SimulatorOptions, 'faults' | 'seed' | 'seedContacts' | 'randomSeed'>
> & {
  faults: FaultConfig;
  seed: SeedState;
};

const defaultToken: TokenGrant = { token: 'sim-token', appId: 'simapp' };

export function resolveOptions(options: SimulatorOptions = {}): ResolvedOptions {
  return {
    tokens: options.tokens && options.tokens.length > 0 ? options.tokens : [defaultToken],
    workspaceId: options.workspaceId ?? 'simapp',
    rateLimit: options.rateLimit ?? 1666,
    workspaceRateLimit: options.workspaceRateLimit ?? 4166,
    windowMs: options.windowMs ?? 10_000,
    webhookUrls: options.webhookUrls ?? [],
    webhookSecret: options.webhookSecret ?? 'sim-client-secret',
    webhookRetryDelayMs: options.webhookRetryDelayMs ?? 60_000,
    webhookTimeoutMs: options.webhookTimeoutMs ?? 5_000,
    webhookCa: options.webhookCa ?? '',
    webhookThrottleDelayMs: options.webhookThrottleDelayMs ?? 60_000,
    webhookThrottleMaxMs: options.webhookThrottleMaxMs ?? 7_200_000,
    webhookPauseErrors: options.webhookPauseErrors ?? 1_000,
    webhookPauseWindowMs: options.webhookPauseWindowMs ?? 900_000,
    webhookPauseMs: options.webhookPauseMs ?? 900_000,
    webhookDropShare: options.webhookDropShare ?? defaultWebhookFaults.dropShare,
    webhookReorderShare: options.webhookReorderShare ?? defaultWebhookFaults.reorderShare,
    webhookReorderDelayMs: options.webhookReorderDelayMs ?? defaultWebhookFaults.reorderDelayMs,
    searchLagMs: options.searchLagMs ?? 0,
    seed: {
      contacts: [...(options.seed?.contacts ?? []), ...(options.seedContacts ?? [])],
      companies: options.seed?.companies ?? [],
      tags: options.seed?.tags ?? [],
    },
    customAttributes: options.customAttributes ?? [],
    strictCustomAttributes: options.strictCustomAttributes ?? false,
    faults: options.faults ?? {},
    clockControl: options.clockControl ?? false,
    journalLimit: options.journalLimit ?? 5_000,
    logger: options.logger ?? false,
    now: options.now ?? Date.now,
    random:
      options.random ??
      (options.randomSeed === undefined ? Math.random : seededRandom(options.randomSeed)),
  };
}
