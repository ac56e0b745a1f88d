import { freePort, useSimulator } from '@relay/testkit';
import { describe, expect, it } from 'vitest';
import { createStatusPagePoller, type StatusPageReading } from '../src/status-page-poller.ts';

const sim = useSimulator();

function pollerOf(url: string) {
  const readings: { reading: StatusPageReading; changed: boolean }[] = [];
  const poller = createStatusPagePoller({
    url,
    intervalMs: 60_000,
    onReading: (reading, changed) => readings.push({ reading, changed }),
  });
  return { poller, readings };
}

describe('status page poller', () => {
  it('reads operational, then the incident Intercom declares, telling each change once', async () => {
    const { poller, readings } = pollerOf(`${sim.url}/__sim/status-page/api/v2/status.json`);
    expect(await poller.poll()).toEqual({
      operational: true,
      indicator: 'none',
      description: 'All Systems Operational',
    });
    await sim.control('PUT', 'status-page', { indicator: 'major', description: 'API errors' });
    expect(await poller.poll()).toEqual({
      operational: false,
      indicator: 'major',
      description: 'API errors',
    });
    await poller.poll();
    expect(readings.map((entry) => entry.changed)).toEqual([true, true, false]);
    await sim.control('POST', 'reset');
  });

  it('says it cannot tell when the page is unreachable or is not a status page', async () => {
    const closed = pollerOf(`http://127.0.0.1:${await freePort()}/api/v2/status.json`);
    expect((await closed.poller.poll()).operational).toBeNull();
    const wrong = pollerOf(`${sim.url}/__sim/health`);
    expect((await wrong.poller.poll()).operational).toBeNull();
  });
});
