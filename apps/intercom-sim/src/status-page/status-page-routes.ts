import type { FastifyInstance } from 'fastify';
import type { SimulatorState } from '../state.ts';
import { STATUS_INDICATORS, type StatusIndicator } from './status-page.ts';

/**
 * The public status page lives on another host at Intercom; here it is a control route, so
 * it needs no token and spends no rate limit, like the real page.
 */
export function registerStatusPageRoutes(app: FastifyInstance, state: SimulatorState): void {
  app.get('/__sim/status-page/api/v2/status.json', async () => state.statusPage.view());

  app.put('/__sim/status-page', async (request, reply) => {
    const { indicator, description } = (request.body ?? {}) as {
      indicator?: unknown;
      description?: unknown;
    };
    if (!STATUS_INDICATORS.includes(indicator as StatusIndicator)) {
      return reply.code(400).send({
        error: {
          code: 'invalid_status',
          message: `indicator must be one of ${STATUS_INDICATORS.join(', ')}`,
        },
      });
    }
    if (description !== undefined && typeof description !== 'string') {
      return reply
        .code(400)
        .send({ error: { code: 'invalid_status', message: 'description must be a string' } });
    }
    state.statusPage.set(indicator as StatusIndicator, description);
    return state.statusPage.view();
  });
}
