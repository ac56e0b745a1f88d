import { waitFor } from '@relay/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { startWorkerHarness } from './worker-harness.ts';

let harness: Awaited<ReturnType<typeof startWorkerHarness>> | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe('an Intercom outage', () => {
  it('opens the circuit, holds jobs without spending attempts, and closes after a good probe', async () => {
    harness = await startWorkerHarness([], { INTERCOM_CIRCUIT_OPEN_MS: '500' });
    try {
      await harness.sim.control('POST', 'faults', { outage: true });
      const results = await harness.producer.enqueueContactUpserts(
        Array.from({ length: 30 }, (_, i) => ({ external_id: `crm-out-${i}` })),
      );
      await waitFor(
        async () => harness?.runtime.breaker.state,
        (state) => state === 'open',
        10_000,
      );
      // Long enough for several open → half-open → open rounds with failed probes.
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      const callsDuringOutage = await harness.simCalls();
      await harness.sim.control('DELETE', 'faults');
      await harness.drained(30_000);

      expect(harness.runtime.breaker.state).toBe('closed');
      // Every transition is logged as it happens (polling the state could miss a short one).
      const transitions = harness.logs
        .map((line) => JSON.parse(line) as { msg?: string; state?: string })
        .filter((entry) => entry.msg === 'intercom circuit')
        .map((entry) => entry.state);
      expect(transitions[0]).toBe('open');
      expect(transitions).toEqual(expect.arrayContaining(['open', 'half-open', 'closed']));
      expect(transitions.at(-1)).toBe('closed');
      const jobs = await Promise.all(
        results.map((result) => harness?.syncQueue.getJob(result.ok ? result.jobId : '')),
      );
      for (const job of jobs) expect(await job?.getState()).toBe('completed');
      // Without the breaker 30 jobs would each retry on their own backoff through the outage;
      // with it only the calls that opened it and one probe per open period reach Intercom.
      expect(callsDuringOutage).toBeLessThan(30);
      const attemptsSpent = jobs.reduce((sum, job) => sum + (job?.attemptsMade ?? 0) - 1, 0);
      expect(attemptsSpent).toBeLessThan(20);
      const metrics = await harness.metrics.registry.getSingleMetricAsString('relay_jobs_total');
      expect(metrics).toMatch(/outcome="circuit_open"/);
      expect(metrics).not.toMatch(/outcome="failed"/);
      expect(
        await harness.metrics.registry.getSingleMetricAsString('intercom_circuit_state'),
      ).toMatch(/intercom_circuit_state\{[^}]*\} 0/);
    } finally {
      await harness.sim.control('DELETE', 'faults');
    }
  });
});
