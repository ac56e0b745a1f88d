import type { FastifyInstance, FastifyReply } from 'fastify';
import type { SimulatorState } from '../state.ts';

type ClockBody = { setMs?: unknown; advanceMs?: unknown; freeze?: unknown };

/**
 * `/__sim/clock`: read the simulator's time; with clock control on (`--clock-control`), set it
 * (`setMs`, epoch ms), move it (`advanceMs`), freeze or unfreeze it (`freeze`).
 */
export function registerClockControlRoutes(app: FastifyInstance, state: SimulatorState): void {
  const { clock } = state;
  const refuse = (reply: FastifyReply, code: string, message: string) =>
    reply.code(code === 'clock_control_off' ? 409 : 400).send({ error: { code, message } });

  app.get('/__sim/clock', async () => ({ ...clock.view(), control: state.options.clockControl }));

  app.post('/__sim/clock', async (request, reply) => {
    if (!state.options.clockControl) {
      return refuse(reply, 'clock_control_off', 'start the simulator with --clock-control');
    }
    const { setMs, advanceMs, freeze } = (request.body ?? {}) as ClockBody;
    const problems = [
      setMs !== undefined && !Number.isInteger(setMs) ? 'setMs must be an integer' : '',
      advanceMs !== undefined && !Number.isInteger(advanceMs) ? 'advanceMs must be an integer' : '',
      freeze !== undefined && typeof freeze !== 'boolean' ? 'freeze must be a boolean' : '',
      setMs === undefined && advanceMs === undefined && freeze === undefined
        ? 'give setMs, advanceMs or freeze'
        : '',
    ].filter(Boolean);
    if (problems.length > 0) return refuse(reply, 'invalid_clock', problems.join('; '));

    const frozen = typeof freeze === 'boolean' ? freeze : clock.view().frozen;
    if (setMs !== undefined) clock.set(setMs as number, frozen);
    else if (freeze === true) clock.set(clock.now(), true);
    else if (freeze === false) clock.unfreeze();
    if (advanceMs !== undefined) clock.advance(advanceMs as number);
    return { ...clock.view(), control: true };
  });

  app.delete('/__sim/clock', async () => {
    clock.reset();
    return { ...clock.view(), control: state.options.clockControl };
  });
}
