import { afterEach, describe, expect, it } from 'vitest';
import { buildSimulator, type Simulator } from '../src/app.ts';
import { apiCall } from './helpers.ts';

const moment = Date.UTC(2026, 0, 1, 12, 0, 0);

describe('/__sim/clock', () => {
  let sim: Simulator | undefined;
  afterEach(() => sim?.app.close());

  const clock = (target: Simulator, body?: object) =>
    target.app.inject({
      method: body ? 'POST' : 'GET',
      url: '/__sim/clock',
      ...(body ? { payload: body } : {}),
    });

  it('reads the time but refuses to move it without --clock-control', async () => {
    sim = buildSimulator({ now: () => moment });
    expect((await clock(sim)).json()).toEqual({
      nowMs: moment,
      offsetMs: 0,
      frozen: false,
      control: false,
    });
    const refused = await clock(sim, { advanceMs: 1000 });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.code).toBe('clock_control_off');
    expect((await clock(sim)).json().nowMs).toBe(moment);
  });

  it('sets, freezes, advances and unfreezes the clock every part of the simulator reads', async () => {
    let real = moment;
    sim = buildSimulator({ clockControl: true, now: () => real });
    const set = await clock(sim, { setMs: moment + 60_000, freeze: true });
    expect(set.json()).toEqual({
      nowMs: moment + 60_000,
      offsetMs: 60_000,
      frozen: true,
      control: true,
    });
    real += 5_000; // a frozen clock ignores real time
    expect((await clock(sim)).json().nowMs).toBe(moment + 60_000);
    await clock(sim, { advanceMs: 2_000 });
    const created = await apiCall(sim, {
      method: 'POST',
      url: '/contacts',
      body: { external_id: 'timed' },
    });
    expect(created.json().created_at).toBe((moment + 62_000) / 1000);

    expect((await clock(sim, { freeze: false })).json()).toMatchObject({
      nowMs: moment + 62_000,
      frozen: false,
    });
    real += 1_000; // running again, from where it stood
    expect((await clock(sim)).json().nowMs).toBe(moment + 63_000);
  });

  it('rejects a bad body, and DELETE or reset return to real time', async () => {
    sim = buildSimulator({ clockControl: true, now: () => moment });
    const bad = await clock(sim, { advanceMs: 'soon' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatchObject({ code: 'invalid_clock' });
    expect((await clock(sim, {})).statusCode).toBe(400);

    await clock(sim, { advanceMs: 10_000 });
    const deleted = await sim.app.inject({ method: 'DELETE', url: '/__sim/clock' });
    expect(deleted.json()).toMatchObject({ nowMs: moment, offsetMs: 0, frozen: false });
    await clock(sim, { setMs: moment - 5_000, freeze: true });
    await sim.app.inject({ method: 'POST', url: '/__sim/reset' });
    expect((await clock(sim)).json()).toMatchObject({ nowMs: moment, frozen: false });
  });
});
