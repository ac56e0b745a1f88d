import { QueueNames } from '@relay/jobs';
import {
  E2E_CRM_TOKEN as CRM_TOKEN,
  crmApi,
  deliverWebhook,
  E2E_WEBHOOK_SECRET,
  hasRedisServerBinary,
  notificationFixture,
  type SimulatorProcess,
  type Stack,
  startRedisCluster,
  startRelayOnCluster,
  type TestRedisCluster,
  waitFor,
} from '@relay/testkit';
import { Queue } from 'bullmq';
import type { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { masterAway } from './cluster-nodes.ts';

/**
 * The end-to-end slice on a local 3-master Redis Cluster: the ingress and two worker
 * processes connect with REDIS_CLUSTER_NODES (prefix `{relay}`), against the simulator.
 */
const canRunCluster = hasRedisServerBinary();
if (!canRunCluster) console.warn('redis-cluster slice skipped: redis-server is not installed');

const PREFIX = '{relay}';
const CONTACTS = 40;

let cluster: TestRedisCluster;
let relay: Awaited<ReturnType<typeof startRelayOnCluster>> | undefined;
let sim: SimulatorProcess;
let stack: Stack;
let client: Cluster;
let queues: Queue[] = [];

beforeAll(async () => {
  if (!canRunCluster) return;
  cluster = await startRedisCluster(3);
  relay = await startRelayOnCluster(cluster, {
    workers: 2,
    simArgs: ['--rate-limit', '15', '--window-ms', '1000'],
    env: {
      WORKER_CONCURRENCY: '4',
      SHUTDOWN_GRACE_MS: '5000',
      INTERCOM_RATE_LIMIT_PER_10S: '15', // per window: the simulator's windows are 1 s
      INTERCOM_RATE_LIMIT_WINDOW_MS: '1000',
      RECONCILE_EVERY_MS: '0',
      JOB_KEEP_COMPLETED_UNDER_PRESSURE_COUNT: '5',
      LOG_LEVEL: 'warn',
    },
  });
  ({ sim, stack } = relay);
  client = cluster.connect();
  queues = Object.values(QueueNames).map(
    (name) => new Queue(name, { connection: client, prefix: PREFIX }),
  );
}, 90_000);

afterAll(async () => {
  await Promise.all(queues.map((queue) => queue.close()));
  client?.disconnect();
  await relay?.stop();
  await cluster?.stop();
}, 60_000);

const api = (method: string, path: string, body?: unknown) =>
  crmApi(stack.ingressUrl, CRM_TOKEN).call(method, path, body);
const done = (jobId: string) => crmApi(stack.ingressUrl, CRM_TOKEN).done(jobId, 60_000);

/** Successful calls to Intercom of `method` on paths matching `path`, by what they name. */
async function callsTo(method: string, path: RegExp, field: string): Promise<string[]> {
  const entries = await sim.journal();
  return entries
    .filter((entry) => entry.method === method && path.test(entry.path) && entry.status === 200)
    .map((entry) => String((entry.body as Record<string, unknown> | null)?.[field]));
}

describe.skipIf(!canRunCluster)('the slice on a 3-master Redis Cluster', () => {
  it('syncs companies, contacts and events: every job completes, each record created once', async () => {
    const companies = await api('POST', '/v1/companies', {
      companies: [
        { company_id: 'cl-acme', name: 'Acme', plan: 'pro' },
        { company_id: 'cl-globex', name: 'Globex' },
      ],
    });
    expect(companies.status).toBe(202);
    const companyJobs = await Promise.all(
      companies.body.accepted.map((item: { jobId: string }) => done(item.jobId)),
    );
    expect(companyJobs.map((job) => job.state)).toEqual(['completed', 'completed']);

    const contacts = Array.from({ length: CONTACTS }, (_, i) => ({
      external_id: `cl-${i}`,
      email: `cluster${i}@example.com`,
      ...(i < 5 ? { companies: [{ company_id: 'cl-acme' }] } : {}),
    }));
    const pushed = await api('POST', '/v1/contacts', {
      contacts: [...contacts, { email: 'missing-id@example.com' }],
    });
    expect(pushed.status).toBe(202);
    expect(pushed.body.accepted).toHaveLength(CONTACTS);
    expect(pushed.body.rejected).toEqual([
      expect.objectContaining({ index: CONTACTS, code: 'PAYLOAD_INVALID' }),
    ]);
    const events = await api('POST', '/v1/events', {
      events: [0, 1, 2].map((i) => ({
        event_name: 'ordered',
        external_id: `cl-${i}`,
        created_at: 1_764_000_000 + i,
      })),
    });
    expect(events.status).toBe(202);

    const jobIds: string[] = [...pushed.body.accepted, ...events.body.accepted].map(
      (item: { jobId: string }) => item.jobId,
    );
    const states = await Promise.all(jobIds.map(async (id) => (await done(id)).state));
    expect(states.filter((state) => state !== 'completed')).toEqual([]);

    const creates = await callsTo('POST', /^\/contacts$/, 'external_id');
    expect(creates.sort()).toEqual(contacts.map((contact) => contact.external_id).sort());
    // No contact written twice: a run held for a budget permit between the create and the
    // company attach looks (GET) before it writes again.
    expect(await callsTo('PUT', /^\/contacts\//, 'email')).toEqual([]);
    expect((await callsTo('POST', /^\/companies$/, 'company_id')).sort()).toEqual([
      'cl-acme',
      'cl-globex',
    ]);
    const attached = await callsTo('POST', /^\/contacts\/[^/]+\/companies$/, 'id');
    expect(attached).toHaveLength(5);
    const simEvents = await sim.events();
    expect(simEvents).toMatchObject({ events: expect.any(Array), duplicates: 0 });
    expect(simEvents.events).toHaveLength(3);
    expect((await sim.stats()).rateLimited).toBe(0);
  });

  it("ingests the simulator's webhooks, and a duplicate delivery makes one job and one handler run", async () => {
    const notification = notificationFixture({
      id: 'notif_cluster_1',
      topic: 'conversation.user.created',
      item: { type: 'conversation', id: 'conv-cluster-1', state: 'open' },
    });
    const first = await deliverWebhook(stack.ingressUrl, notification, E2E_WEBHOOK_SECRET);
    const again = await deliverWebhook(stack.ingressUrl, notification, E2E_WEBHOOK_SECRET);
    expect(first).toMatchObject({ status: 200, body: { status: 'accepted' } });
    expect(again).toMatchObject({ status: 200, body: { status: 'duplicate' } });
    expect(again.body.jobId).toBe(first.body.jobId);
    const job = await done(String(first.body.jobId));
    expect(job).toMatchObject({ state: 'completed', attempts: 1 });
    const runs = (await client.xrange(`${PREFIX}:feed:log`, '-', '+')).filter(([, fields]) =>
      fields[fields.indexOf('c') + 1]?.includes('"notification_id":"notif_cluster_1"'),
    );
    expect(runs).toHaveLength(1);

    // The simulator sends a signed webhook for what the relay did (contacts created,
    // companies attached): each one it delivered is one completed job, besides the one above.
    const webhookQueue = queues[Object.keys(QueueNames).indexOf('webhook')] as Queue;
    const expected = async () => {
      const { sent, inFlight } = await sim.webhooks();
      const counts = await webhookQueue.getJobCounts('completed', 'failed', 'waiting', 'active');
      return { sent, inFlight, counts };
    };
    const settled = await waitFor(
      expected,
      ({ sent, inFlight, counts }) => inFlight === 0 && counts.completed === sent + 1,
      30_000,
    );
    expect(settled.sent).toBeGreaterThanOrEqual(CONTACTS);
    console.info(
      `cluster slice: ${settled.sent} webhooks from the simulator and 1 delivered twice: ` +
        `${settled.counts.completed} webhook jobs completed, ${settled.counts.failed} failed`,
    );
    expect(settled.counts).toMatchObject({ completed: settled.sent + 1, failed: 0 });
  });

  it('erases a contact: deleted at Intercom, its jobs swept on every master, audited', async () => {
    const erasure = await api('DELETE', '/v1/contacts/cl-7');
    expect(erasure.status).toBe(202);
    expect(await done(erasure.body.jobId)).toMatchObject({
      state: 'completed',
      result: { outcome: 'deleted' },
    });
    const simContacts = await sim.contacts();
    const left = simContacts.contacts.map((entry) => entry.contact.external_id);
    expect(left).toHaveLength(CONTACTS - 1);
    expect(left).not.toContain('cl-7');
    const audit = await api('GET', '/v1/erasures?externalId=cl-7');
    expect(audit.body.erasures).toEqual([
      expect.objectContaining({ externalId: 'cl-7', outcome: 'deleted' }),
    ]);
    expect((await api('GET', '/v1/contacts/cl-7')).status).toBe(404);
  });

  it('leaves no job failed or waiting in any lane', async () => {
    const counts = await waitFor(
      () => Promise.all(queues.map((queue) => queue.getJobCounts())),
      (all) => all.every((count) => (count.waiting ?? 0) + (count.active ?? 0) === 0),
      30_000,
    );
    for (const count of counts) {
      expect(count).toMatchObject({ failed: 0, waiting: 0, active: 0, prioritized: 0 });
    }
  });

  it('answers /readyz, and reads memory from the fullest master: /readyz degraded, retention trimmed', async () => {
    const ready = await fetch(`${stack.ingressUrl}/readyz`);
    const body = (await ready.json()) as {
      status: string;
      services: { redis: { status: string } };
    };
    expect(ready.status, JSON.stringify(body)).toBe(200);
    expect(body).toMatchObject({ status: 'healthy', services: { redis: { status: 'up' } } });

    // One master, not the queues' one, 87 % full: whichever node INFO reaches, it is the one.
    const node = await masterAway(client, PREFIX);
    const used = Number(/^used_memory:(\d+)/m.exec(await node.info('memory'))?.[1]);
    await node.config('SET', 'maxmemory', String(Math.ceil(used / 0.87)));
    try {
      for (let i = 0; i < 6; i += 1) {
        const answer = await fetch(`${stack.ingressUrl}/readyz`);
        const read = (await answer.json()) as {
          status: string;
          services: { redis: { status: string; memory: { usedRatio: number } } };
        };
        expect(answer.status).toBe(200);
        expect(read).toMatchObject({
          status: 'degraded',
          services: { redis: { status: 'filling' } },
        });
        expect(read.services.redis.memory.usedRatio).toBeGreaterThan(0.8);
      }
      // The workers read memory the same way: from 80 % they trim the completed jobs kept
      // beyond JOB_KEEP_COMPLETED_UNDER_PRESSURE_COUNT (5 here), though the queues' own
      // master has room.
      const syncQueue = queues[Object.keys(QueueNames).indexOf('sync')] as Queue;
      expect(await syncQueue.getCompletedCount()).toBeGreaterThan(5);
      const before = await syncQueue.getCompletedCount();
      const kept = await waitFor(
        () => syncQueue.getCompletedCount(),
        (n) => n < before,
        30_000,
      );
      // Five, or a few more when jobs at the cut finished in the same millisecond: never fewer.
      expect(kept).toBeGreaterThanOrEqual(5);
      expect(kept).toBeLessThan(before);
    } finally {
      await node.config('SET', 'maxmemory', '0');
    }
  });
});
