import { Gauge, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createScrapeSample } from './scrape-sample.ts';

function setup(read: (depth: Gauge) => Promise<void>) {
  const registry = new Registry();
  const depth = new Gauge({ name: 'depth', help: 'depth', registers: [registry] });
  const age = new Gauge({ name: 'age_seconds', help: 'age', registers: [registry] });
  let clock = 0;
  const sample = createScrapeSample({
    age,
    read: () => read(depth),
    waitMs: 50,
    now: () => clock,
  });
  sample.attach(depth);
  /** One scrape: each gauge's value, by name. */
  const scrape = async () =>
    Object.fromEntries(
      (await registry.metrics())
        .split('\n')
        .filter((line) => line !== '' && !line.startsWith('#'))
        .map((line) => [line.split(' ')[0], Number(line.split(' ')[1])]),
    );
  return { scrape, advance: (ms: number) => (clock += ms) };
}

describe('createScrapeSample', () => {
  it('waits for a reading that answers, and not past waitMs for one that does not', async () => {
    let answer: 'now' | 'never' | 'fail' = 'now';
    let n = 0;
    const t = setup(async (depth) => {
      if (answer === 'never') await new Promise(() => {});
      if (answer === 'fail') throw new Error('Connection is closed.');
      depth.set(++n);
    });
    t.advance(1_000);
    expect(await t.scrape()).toEqual({ depth: 1, age_seconds: 0 });

    answer = 'never';
    t.advance(5_000);
    const started = performance.now();
    const stale = await t.scrape();
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(stale).toEqual({ depth: 1, age_seconds: 5 }); // the last value, and how old it is

    answer = 'fail'; // the hung reading is still the one in flight: no second one starts
    t.advance(5_000);
    expect(await t.scrape()).toEqual({ depth: 1, age_seconds: 10 });
    expect(n).toBe(1);
  });
});
