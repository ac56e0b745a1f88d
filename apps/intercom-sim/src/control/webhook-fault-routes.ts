import type { FastifyInstance } from 'fastify';
import type { SimulatorState } from '../state.ts';
import { parseWebhookFaults } from '../webhooks/delivery-faults.ts';

/**
 * `/__sim/webhooks/faults`: lose or reorder a share of webhook notifications at run time
 * (`POST` merges over the active settings, `DELETE` returns to the start-up ones).
 */
export function registerWebhookFaultRoutes(app: FastifyInstance, state: SimulatorState): void {
  const { faults } = state.webhooks;

  app.get('/__sim/webhooks/faults', async () => ({ faults: faults.config() }));

  app.post('/__sim/webhooks/faults', async (request, reply) => {
    const parsed = parseWebhookFaults(request.body ?? {});
    if ('problems' in parsed) {
      const message = parsed.problems.join('; ');
      const error = { code: 'invalid_webhook_faults', message, details: parsed.problems };
      return reply.code(400).send({ error });
    }
    faults.set(parsed.faults);
    return { faults: faults.config() };
  });

  app.delete('/__sim/webhooks/faults', async () => {
    faults.clear();
    return { faults: faults.config() };
  });
}
