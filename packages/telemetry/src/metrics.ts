import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/**
 * Every metric the relay exports, in one place. Names follow Prometheus conventions (base
 * units, `_total` on counters); labels are low-cardinality by construction: never an id,
 * email or external_id.
 */
export function createMetrics(options: {
  service: string;
  defaultMetrics?: boolean;
  /**
   * Export intercom_status_page_operational: only a process that polls the status page
   * should, or the others' unset gauge would read as an incident.
   */
  statusPage?: boolean;
}) {
  const registry = new Registry();
  registry.setDefaultLabels({ service: options.service });
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry });
  const registers = [registry];

  return {
    registry,

    intercomRequests: new Counter({
      name: 'intercom_requests_total',
      help: 'Calls made to the Intercom API, by endpoint template and outcome.',
      labelNames: ['endpoint', 'method', 'status_class', 'code'] as const,
      registers,
    }),
    intercomRequestDuration: new Histogram({
      name: 'intercom_request_duration_seconds',
      help: 'Latency of Intercom API calls, from request start to the end of the response.',
      labelNames: ['endpoint', 'method'] as const,
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
      registers,
    }),
    intercomRateLimited: new Counter({
      name: 'intercom_rate_limited_total',
      help: 'Intercom answers with status 429.',
      registers,
    }),
    intercomRateLimitRemaining: new Gauge({
      name: 'intercom_rate_limit_remaining',
      help: 'X-RateLimit-Remaining from the latest Intercom response.',
      registers,
    }),
    intercomRateLimitLimit: new Gauge({
      name: 'intercom_rate_limit_limit',
      help: 'X-RateLimit-Limit (calls per window) from the latest Intercom response.',
      registers,
    }),
    intercomCircuitState: new Gauge({
      name: 'intercom_circuit_state',
      help: 'Circuit breaker toward Intercom: 0 closed, 1 half-open, 2 open.',
      registers,
    }),
    intercomAuthHeld: new Gauge({
      name: 'intercom_auth_held',
      help: 'Whether this process holds its calls to Intercom because Intercom refused the access token (401): 1 held, 0 not. The hold ends when a call with the token succeeds (a probe, at most a minute apart) or the token changes.',
      registers,
    }),

    webhooks: new Counter({
      name: 'relay_webhooks_total',
      help: 'Intercom webhook deliveries received, by topic and outcome.',
      labelNames: ['topic', 'outcome'] as const,
      registers,
    }),
    httpRequestDuration: new Histogram({
      name: 'relay_http_request_duration_seconds',
      help: 'Time to answer an ingress HTTP request, by route template.',
      labelNames: ['route', 'status_class'] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    }),
    jobs: new Counter({
      name: 'relay_jobs_total',
      help: 'Job attempts finished by the workers, by queue and outcome.',
      labelNames: ['queue', 'outcome'] as const,
      registers,
    }),
    jobFailures: new Counter({
      name: 'relay_job_failures_total',
      help: 'Jobs failed for good (dead letters), by queue and error code (the catalog in @relay/errors).',
      labelNames: ['queue', 'code'] as const,
      registers,
    }),
    jobDuration: new Histogram({
      name: 'relay_job_duration_seconds',
      help: 'Time a worker spent on one job attempt.',
      labelNames: ['queue'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
    webhookTopics: new Counter({
      name: 'relay_webhook_topics_total',
      help: 'Webhook notifications the workers processed, by topic family and whether a handler took it.',
      labelNames: ['family', 'handled'] as const,
      registers,
    }),
    feedChanges: new Counter({
      name: 'relay_feed_changes_total',
      help: 'Changes recorded on the change feed (Intercom → CRM), by object, change type and source (webhook or reconciliation).',
      labelNames: ['object', 'type', 'source'] as const,
      registers,
    }),
    feedLag: new Histogram({
      name: 'relay_feed_lag_seconds',
      help: 'Time from a change in Intercom (its updated_at) to its change recorded on the feed, by source (webhook or reconciliation).',
      labelNames: ['source'] as const,
      buckets: [0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 1800, 3600],
      registers,
    }),
    feedEchoes: new Counter({
      name: 'relay_feed_echoes_total',
      help: "Intercom notifications (or sweep results) that were the relay's own writes coming back: not fed to the CRM.",
      labelNames: ['object'] as const,
      registers,
    }),
    feedConflicts: new Counter({
      name: 'relay_feed_conflicts_total',
      help: 'Intercom-side changes to fields the CRM owns (FEED_CRM_OWNED_FIELDS): counted, not fed.',
      labelNames: ['object'] as const,
      registers,
    }),
    crmDeliveries: new Counter({
      name: 'relay_crm_deliveries_total',
      help: "Deliveries of the change feed to the CRM's endpoint, by outcome: delivered (2xx), failed (retried later), dead (the last attempt failed), disabled (410), superseded (a newer change went instead), gone (left the log undelivered).",
      labelNames: ['outcome'] as const,
      registers,
    }),
    crmDeliveryLag: new Histogram({
      name: 'relay_crm_delivery_lag_seconds',
      help: "Time from a change recorded on the feed to its delivery to the CRM's endpoint (2xx).",
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 21600, 86400],
      registers,
    }),
    crmUndelivered: new Gauge({
      name: 'relay_crm_undelivered_changes',
      help: 'Records whose latest change is not yet delivered to the CRM (older changes of one record count once: they are coalesced).',
      registers,
    }),
    crmEndpointState: new Gauge({
      name: 'relay_crm_endpoint_state',
      help: "The CRM's webhook endpoint: 0 ok, 1 failing (deliveries held by the circuit), 2 disabled (it answered 410; `relay feed enable`).",
      registers,
    }),
    queueOldestJobAge: new Gauge({
      name: 'relay_queue_oldest_job_age_seconds',
      help: 'Age of the oldest job waiting in each queue (0 when none waits), sampled at scrape time.',
      labelNames: ['queue'] as const,
      registers,
    }),
    budgetAllowed: new Gauge({
      name: 'intercom_budget_allowed_per_window',
      help: 'Calls the shared rate budget allows per window (limit less headroom).',
      registers,
    }),
    budgetUsed: new Gauge({
      name: 'intercom_budget_used',
      help: 'Calls taken from the shared rate budget in the current window, by every process.',
      registers,
    }),
    statusPageOperational: statusPageGauge(options.statusPage === true ? registers : []),
    redisMemoryUsedRatio: new Gauge({
      name: 'relay_redis_memory_used_ratio',
      help: 'Redis used_memory ÷ maxmemory (0 when Redis has no maxmemory), sampled by /readyz and at scrape time.',
      registers,
    }),
    replicaConfirm: new Histogram({
      name: 'relay_redis_replica_confirm_seconds',
      help: 'REDIS_ACK_REPLICAS: how long each replica confirmation (a probe write and WAIT, one per batch of stores) took, by outcome: confirmed, or short (fewer replicas than required, or no answer).',
      labelNames: ['outcome'] as const,
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    }),
    queuePaused: new Gauge({
      name: 'relay_queue_paused',
      help: 'Whether each queue is paused (the runbook kill switch): 1 paused, 0 running (sampled at scrape time).',
      labelNames: ['queue'] as const,
      registers,
    }),
    retentionTrimmed: new Counter({
      name: 'relay_retention_trimmed_total',
      help: 'Finished jobs removed before their retention ran out because Redis memory was high (completed from 80 % of maxmemory; failed, the dead letters, from 95 %), by queue and state.',
      labelNames: ['queue', 'state'] as const,
      registers,
    }),
    redisGaugesAge: new Gauge({
      name: 'relay_redis_gauges_age_seconds',
      help: 'Seconds since the gauges read from Redis at scrape time (queue depths, paused lanes, Redis memory, budget use) were last read; while Redis does not answer they keep their last values and this grows.',
      registers,
    }),
    queueJobs: new Gauge({
      name: 'relay_queue_jobs',
      help: 'Jobs in each queue, by state (sampled at scrape time).',
      labelNames: ['queue', 'state'] as const,
      registers,
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

/** -1 (not read yet) until the first reading. */
function statusPageGauge(registers: Registry[]): Gauge {
  const gauge = new Gauge({
    name: 'intercom_status_page_operational',
    help: "Intercom's public status page: 1 all systems operational, 0 an incident or maintenance, -1 not read (yet) or unreadable.",
    registers,
  });
  gauge.set(-1);
  return gauge;
}

/** Buckets the first digit of a status: 2xx, 4xx, … ; 'error' when there was no response. */
export function statusClass(status: number | undefined): string {
  if (status === undefined || status < 100) return 'error';
  return `${Math.floor(status / 100)}xx`;
}
