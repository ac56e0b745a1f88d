import { QueueNames } from '@relay/jobs';
import { createWorkerConnection, type RedisClient } from '@relay/jobs/redis';
import {
  E2E_CRM_TOKEN,
  E2E_WEBHOOK_SECRET,
  type Stack,
  startSimulator,
  startStack,
  waitFor,
} from '@relay/testkit';
import { Queue } from 'bullmq';
import type { IntakeTally } from './intake-load.ts';

export const PREFIX = '{relay}';

const WARN_OR_WORSE = /"level":"(warn|error|fatal)"/;

/**
 * The ingress and `workers` worker processes on a Redis the test owns (to kill, fill or cut
 * off), against the simulator, plus the test's own view of the queues.
 */
export async function startRelayOnRedis(options: {
  /** One Redis (or a primary behind Sentinel, with `env`); or give `redisClusterNodes`. */
  redisUrl?: string;
  /** A Redis Cluster's seeds (REDIS_CLUSTER_NODES), with `connect` for the test's view. */
  redisClusterNodes?: string;
  /** The test's own view's connection, when not to `redisUrl` (a primary behind Sentinel). */
  connect?: () => RedisClient;
  workers?: number;
  env?: Record<string, string>;
  /** Every output line of the relay's processes (`ingress`, `worker-1`, …). */
  onLine?: (service: string, line: string) => void;
}) {
  const sim = await startSimulator();
  const warnings: string[] = [];
  let stack: Stack | undefined;
  try {
    stack = await startStack({
      ...(options.redisUrl === undefined ? {} : { redisUrl: options.redisUrl }),
      ...(options.redisClusterNodes === undefined
        ? {}
        : { redisClusterNodes: options.redisClusterNodes }),
      queuePrefix: PREFIX,
      intercomUrl: sim.url,
      intercomToken: sim.token,
      webhookSecret: E2E_WEBHOOK_SECRET,
      crmToken: E2E_CRM_TOKEN,
      workers: options.workers ?? 1,
      env: {
        LOG_LEVEL: 'warn',
        RECONCILE_EVERY_MS: '0',
        INTERCOM_STATUS_URL: '',
        ...options.env,
      },
      onLine: (service, line) => {
        // Warnings and errors kept (the last ones), to say why when a test fails.
        if (WARN_OR_WORSE.test(line)) {
          warnings.push(`${service} ${line}`);
          if (warnings.length > 5_000) warnings.shift();
        }
        options.onLine?.(service, line);
      },
    });
  } catch (error) {
    await sim.stop();
    throw error;
  }
  const connection = options.connect?.() ?? createWorkerConnection(options.redisUrl ?? '');
  connection.on('error', () => {});
  const queues = Object.values(QueueNames).map((name) => {
    const queue = new Queue(name, { connection, prefix: PREFIX });
    queue.on('error', () => {}); // Redis is down on purpose
    return queue;
  });
  const started = stack;
  return {
    sim,
    stack: started,
    connection,
    /** The relay's last warnings and errors, counted by service and message (for a failure). */
    warningSummary(): Record<string, number> {
      const counts: Record<string, number> = {};
      for (const entry of warnings) {
        const [service = '', ...rest] = entry.split(' ');
        const line = rest.join(' ');
        const msg = /"msg":"([^"]*)"/.exec(line)?.[1] ?? line.slice(0, 80);
        const err = /"message":"([^"]{0,120})/.exec(line)?.[1] ?? '';
        const key = `${service.replace(/-\d+$/, '')}: ${msg}${err ? ` (${err})` : ''}`;
        counts[key] = (counts[key] ?? 0) + 1;
      }
      return counts;
    },
    /**
     * Waits up to `timeoutMs` for every lane to drain and says how many jobs are left, so that
     * what is missing afterwards is lost rather than still waiting; when some are left, it
     * prints the relay's warnings, which say why.
     */
    async drained(timeoutMs: number): Promise<number> {
      const left = await waitFor(
        () => this.unfinishedJobs().catch(() => Number.POSITIVE_INFINITY),
        (n) => n === 0,
        timeoutMs,
        250,
      );
      if (left !== 0) console.log('not drained; the relay said:', this.warningSummary());
      return left;
    },
    /** Jobs not yet finished (waiting, active, delayed, prioritized) in every lane. */
    async unfinishedJobs(): Promise<number> {
      const counts = await Promise.all(
        queues.map((queue) => queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized')),
      );
      return counts.reduce(
        (sum, count) => sum + Object.values(count).reduce((a, b) => a + b, 0),
        0,
      );
    },
    /** Jobs completed in every lane (kept ones: JOB_KEEP_COMPLETED_COUNT). */
    async completedJobs(): Promise<number> {
      const counts = await Promise.all(queues.map((queue) => queue.getJobCounts('completed')));
      return counts.reduce((sum, count) => sum + (count.completed ?? 0), 0);
    },
    /**
     * Waits up to `timeoutMs` for a job to complete beyond the `completedBefore` already
     * completed (a read lost to a failover is read again): the relay carries on.
     */
    async nextCompletion(completedBefore: number, timeoutMs: number): Promise<void> {
      await waitFor(
        () => this.completedJobs().catch(() => completedBefore),
        (n) => n > completedBefore,
        timeoutMs,
        50,
      );
    },
    /** What became of what the ingress acknowledged: at the simulator, or completed. */
    async account(tally: IntakeTally): Promise<Accounting> {
      const { contacts } = await sim.contacts();
      const synced = new Map(contacts.map(({ contact }) => [contact.external_id, contact.name]));
      const contactsLost = [...tally.contacts].filter(([id, name]) => synced.get(id) !== name);
      // A contact made twice in Intercom: a job ran again after its write mark was lost.
      const made = new Map<string, number>();
      for (const { contact } of contacts) {
        const id = contact.external_id;
        if (typeof id === 'string') made.set(id, (made.get(id) ?? 0) + 1);
      }
      const doubled = [...made].filter(([, times]) => times > 1).map(([id]) => id);
      const webhookQueue = queues[Object.keys(QueueNames).indexOf('webhook')] as Queue;
      const states = await Promise.all(
        tally.webhooks.map((id) => webhookQueue.getJobState(`webhook-${id}`)),
      );
      const webhooksLost = tally.webhooks.filter((_, i) => states[i] !== 'completed');
      const acknowledgedItems = tally.contacts.size + tally.webhooks.length;
      const lost = contactsLost.length + webhooksLost.length;
      const lostStates: Record<string, number> = {};
      states.forEach((state, i) => {
        if (state !== 'completed' && tally.webhooks[i] !== undefined) {
          lostStates[state] = (lostStates[state] ?? 0) + 1;
        }
      });
      return {
        acknowledgedItems,
        processed: acknowledgedItems - lost,
        lost,
        lostByKind: { contacts: contactsLost.length, webhooks: lostStates },
        doubled: doubled.length,
        examples: [...contactsLost.slice(0, 3).map(([id]) => id), ...webhooksLost.slice(0, 3)],
      };
    },
    async stop() {
      await Promise.all(queues.map((queue) => queue.close()));
      connection.disconnect();
      await started.stop();
      await sim.stop();
    },
  };
}

export type Accounting = {
  /** Contacts and webhooks acknowledged (a contact in a 202's `accepted`, a webhook's 200). */
  acknowledgedItems: number;
  processed: number;
  lost: number;
  /** Lost contacts (not at the simulator with their data), and lost webhooks by job state. */
  lostByKind: { contacts: number; webhooks: Record<string, number> };
  /** Contacts Intercom holds more than once (an effect doubled). */
  doubled: number;
  examples: string[];
};

export type RelayOnRedis = Awaited<ReturnType<typeof startRelayOnRedis>>;
