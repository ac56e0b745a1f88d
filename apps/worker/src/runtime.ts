import { createIntercomAccess } from '@relay/intercom';
import { JobNames, LANES, type Lane, QueueNames } from '@relay/jobs';
import { createContactJobRemoval, keepJobs } from '@relay/jobs/queue';
import {
  connectRedis,
  createRedisOutageLog,
  createReplicaConfirm,
  createWorkerConnection,
  readRedisMemory,
} from '@relay/jobs/redis';
import {
  createCompanyState,
  createContactDirectory,
  createContactState,
  createErasureAudit,
  createFeed,
  createReconcileMarks,
} from '@relay/sync';
import type { Logger, Metrics } from '@relay/telemetry';
import { Queue, Worker } from 'bullmq';
import { registerBudgetGauges } from './budget-gauges.ts';
import type { WorkerConfig } from './config.ts';
import { countFeedOutcome } from './feed-metrics.ts';
import { createPushRuntime } from './push-runtime.ts';
import { createRetention } from './retention.ts';
import { createJobRunner } from './run-job.ts';
import { createRunningJobs } from './running-jobs.ts';

export type WorkerRuntimeDeps = { config: WorkerConfig; logger: Logger; metrics: Metrics };

/**
 * BullMQ honours a manual queue rate limit (a 429) in other workers only when they have a
 * limiter configured; this one is far above anything Intercom allows, so it never binds.
 */
const HONOUR_MANUAL_RATE_LIMITS = { max: 1_000_000, duration: 1_000 };

const MAX_STALLED_RUNS = 5;

/** The sweeps under webhooks, by scheduler id (one schedule each for the whole cluster). */
const SWEEPS = [
  { scheduler: 'contacts-reconcile', name: JobNames.contactsReconcile },
  { scheduler: 'companies-reconcile', name: JobNames.companiesReconcile },
] as const;

/**
 * The last part of the shutdown grace period, kept for handing back the jobs still running
 * and closing the queues. Both need Redis: when it is down they give up at the deadline.
 */
const HAND_BACK_MS = 1_000;

/**
 * One BullMQ worker per lane, wired to Intercom through the process's circuit breaker and the
 * cluster's rate budget. `close` drains within the grace period.
 */
export function createWorkerRuntime({ config, logger, metrics }: WorkerRuntimeDeps) {
  const connection = createWorkerConnection(config.redis);
  // Budget and contact state use their own connection: the worker's blocks on job fetches.
  // Auto-pipelining: the commands of many concurrent jobs leave in one write per tick.
  // A command answered later than a third of the job lock fails: a run that renewed its lock
  // before a write (run-job.ts) must send the write while the lock still holds, not after a
  // rate-budget read that waited out a network cut, when another run may have the job.
  const stateConnection = connectRedis(config.redis, {
    maxRetriesPerRequest: 2,
    enableAutoPipelining: true,
    commandTimeout: Math.ceil(config.jobLockMs / 3),
  });
  // Every connection, queue and worker reports Redis errors to one log, which says once that
  // Redis is unreachable, then a line per 30 s while it lasts, and once that it is back.
  const redisOutage = createRedisOutageLog({ logger });
  redisOutage.watch(connection);
  redisOutage.watch(stateConnection);
  // REDIS_ACK_REPLICAS: write marks confirmed on the replicas before the writes they guard
  // (WAIT blocks its connection: one of its own).
  const confirmConnection =
    config.ackReplicas > 0
      ? connectRedis(config.redis, { maxRetriesPerRequest: 1, enableOfflineQueue: false })
      : undefined;
  if (confirmConnection) redisOutage.watch(confirmConnection);
  const confirmMark = confirmConnection
    ? createReplicaConfirm({
        connection: confirmConnection,
        prefix: config.queuePrefix,
        replicas: config.ackReplicas,
        timeoutMs: config.ackTimeoutMs,
        observe: (outcome, seconds) => metrics.replicaConfirm.labels({ outcome }).observe(seconds),
      })
    : undefined;
  const openQueue = (lane: Lane) => {
    const queue = new Queue(QueueNames[lane], { connection, prefix: config.queuePrefix });
    queue.on('error', redisOutage.failed);
    return queue;
  };
  const intercomAccess = createIntercomAccess({
    settings: config.intercom,
    redis: stateConnection,
    prefix: config.queuePrefix,
    lanes: LANES,
    metrics,
    logger,
  });
  const { budget, breaker } = intercomAccess;
  registerBudgetGauges(metrics, budget);
  const contacts = createContactState(stateConnection, config.queuePrefix);
  const companies = createCompanyState(stateConnection, config.queuePrefix);
  const erasureAudit = createErasureAudit(stateConnection, config.queuePrefix);
  const reconcileMarks = createReconcileMarks(stateConnection, config.queuePrefix);
  const directory = createContactDirectory({
    redis: stateConnection,
    prefix: config.queuePrefix,
    contacts,
  });
  const allQueues = LANES.map(openQueue);
  const removeQueuedJobs = createContactJobRemoval(stateConnection, config.queuePrefix, allQueues);
  // Kept completed jobs and dead letters give way when Redis memory runs short.
  const retention = createRetention({
    queues: allQueues,
    redis: stateConnection,
    prefix: config.queuePrefix,
    retention: config.retention,
    keepFailedIn: [QueueNames.erasure],
    // On a cluster, the fullest master's: any master at maxmemory refuses the writes it holds.
    readMemory: () => readRedisMemory(stateConnection),
    metrics,
    logger,
  });

  // The feed pushed to the CRM (CRM_WEBHOOK_URL): its lane runs only where it is configured.
  const pushRuntime =
    config.crmWebhook && config.feedEnabled
      ? createPushRuntime({
          config,
          settings: config.crmWebhook,
          commandTimeoutMs: Math.ceil(config.jobLockMs / 3),
          crmQueue: allQueues[LANES.indexOf('crm')] as Queue,
          logger,
          metrics,
        })
      : undefined;
  if (pushRuntime) redisOutage.watch(pushRuntime.connection);
  if (config.crmWebhook && !config.feedEnabled) {
    logger.warn(
      'CRM_WEBHOOK_URL is set but FEED_ENABLED=false: nothing is recorded, so nothing is pushed',
    );
  }
  const lanesRun = config.lanes.filter((lane) => lane !== 'crm' || pushRuntime);

  const running = createRunningJobs();
  const lanes = lanesRun.map((lane) => {
    const queue = openQueue(lane);
    const intercom = intercomAccess.clientFor(lane);
    const feed = config.feedEnabled
      ? createFeed({
          redis: stateConnection,
          prefix: config.queuePrefix,
          intercom,
          retentionMs: config.feedRetentionMs,
          crmOwnedFields: config.feedCrmOwnedFields,
          observe: countFeedOutcome(metrics, logger),
        })
      : undefined;
    const worker = new Worker(
      queue.name,
      running.track(
        createJobRunner({
          services: {
            intercom,
            contacts,
            companies,
            directory,
            reconcileMarks,
            feed,
            push: pushRuntime?.push,
            confirmMark,
            removeQueuedJobs,
            recordErasure: erasureAudit.record,
            metrics,
          },
          metrics,
          logger,
          pauseQueue: (ms) => queue.rateLimit(ms),
          jobLockMs: config.jobLockMs,
        }),
      ),
      {
        connection,
        prefix: config.queuePrefix,
        concurrency:
          lane === 'crm' && config.crmWebhook ? config.crmWebhook.concurrency : config.concurrency,
        limiter: HONOUR_MANUAL_RATE_LIMITS,
        settings: { backoffStrategy: pushRuntime?.backoff ?? (() => 0) },
        lockDuration: config.jobLockMs,
        stalledInterval: config.jobLockMs,
        // A job whose worker died is run again; every effect is idempotent, so several
        // crashes in a row (a rolling restart under load) must not fail it. A job that itself
        // kills its worker still ends in the failed set after this many tries.
        maxStalledCount: MAX_STALLED_RUNS,
        // Retention of finished jobs is the workers' setting (JOB_KEEP_*): jobs carry none.
        removeOnComplete: keepJobs(config.retention.completed),
        removeOnFail: keepJobs(config.retention.failed),
        autorun: false,
      },
    );
    worker.on('error', (err) => {
      if (redisOutage.explains(err)) redisOutage.failed(err);
      else logger.error({ err }, 'worker error');
    });
    return { queue, worker };
  });
  const workers = lanes.map((lane) => lane.worker);

  const sweepEveryMs = {
    [JobNames.contactsReconcile]: config.reconcileEveryMs,
    [JobNames.companiesReconcile]: config.reconcileCompaniesEveryMs,
  };
  /** One schedule per sweep for the whole cluster (upserted by id); every worker may register it. */
  async function scheduleReconciliation() {
    const backfill = allQueues[LANES.indexOf('backfill')] as Queue;
    for (const { scheduler, name } of SWEEPS) {
      const every = sweepEveryMs[name];
      if (every === 0) {
        await backfill.removeJobScheduler(scheduler);
        continue;
      }
      await backfill.upsertJobScheduler(
        scheduler,
        { every },
        {
          name,
          data: {},
          opts: { attempts: 3, removeOnComplete: { count: 100 }, removeOnFail: { count: 100 } },
        },
      );
    }
  }
  const queues = lanes.map((lane) => lane.queue);

  return {
    workers,
    budget,
    breaker,
    start() {
      for (const worker of workers) void worker.run();
      pushRuntime?.start();
      retention.start();
      void scheduleReconciliation().catch((err: Error) =>
        logger.error({ err: { message: err.message } }, 'could not schedule reconciliation'),
      );
      logger.info(
        { queues: queues.map((q) => q.name), concurrency: config.concurrency },
        'workers started',
      );
    },
    /**
     * Stops taking jobs and lets running ones finish; at the end of `graceMs` (less the time
     * kept for handing back) what still runs goes back to its queue for another worker, so
     * the whole shutdown fits in `graceMs` — also when Redis is gone. BullMQ's own forced
     * close cannot do this: after a graceful `close()` has begun, `close(true)` only awaits it.
     */
    async close(graceMs = config.shutdownGraceMs): Promise<void> {
      retention.stop();
      await pushRuntime?.stop();
      const handBackMs = Math.min(HAND_BACK_MS, graceMs / 4);
      const idle = await settlesWithin(
        Promise.all(workers.map((worker) => worker.close())),
        graceMs - 2 * handBackMs,
      );
      if (!idle) {
        const jobs = running.size;
        const handedBack = await settlesWithin(running.handBack(), handBackMs);
        logger.warn(
          { graceMs, jobs, handedBack },
          'jobs still running at the end of the grace period; handed them back',
        );
        // Their processors may still be waiting on Intercom or Redis: cut the workers loose.
        for (const worker of workers) void worker.disconnect().catch(() => {});
      }
      await settlesWithin(
        Promise.all([...queues, ...allQueues].map((queue) => queue.close())),
        handBackMs,
      );
      intercomAccess.close();
      redisOutage.close();
      connection.disconnect();
      stateConnection.disconnect();
      confirmConnection?.disconnect();
      pushRuntime?.disconnect();
    },
  };
}

/** Whether `work` settled within `ms`; it is not waited for after that. */
async function settlesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), Math.max(ms, 0));
  });
  const settled = work.then(
    () => true,
    () => true,
  );
  const result = await Promise.race([settled, timeout]);
  clearTimeout(timer);
  return result;
}
