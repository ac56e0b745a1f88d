import { afterAll, describe, expect, it } from 'vitest';
import { buildSimulator } from '../src/app.ts';

describe('the status page', () => {
  const sim = buildSimulator();
  afterAll(() => sim.app.close());
  const read = async () =>
    (await sim.app.inject({ method: 'GET', url: '/__sim/status-page/api/v2/status.json' })).json();

  it('says all systems operational, without a token, until an incident is set', async () => {
    expect((await read()).status).toEqual({
      indicator: 'none',
      description: 'All Systems Operational',
    });
    const set = await sim.app.inject({
      method: 'PUT',
      url: '/__sim/status-page',
      payload: { indicator: 'major', description: 'API errors in the US region' },
    });
    expect(set.statusCode).toBe(200);
    expect((await read()).status).toEqual({
      indicator: 'major',
      description: 'API errors in the US region',
    });
    await sim.app.inject({ method: 'POST', url: '/__sim/reset' });
    expect((await read()).status.indicator).toBe('none');
  });

  it('refuses an indicator Statuspage does not have', async () => {
    const bad = await sim.app.inject({
      method: 'PUT',
      url: '/__sim/status-page',
      payload: { indicator: 'down' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('invalid_status');
  });
});
