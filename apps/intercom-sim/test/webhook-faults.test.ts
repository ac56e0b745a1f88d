import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it, vi } from 'vitest';
import { parseCliArgs } from '../src/cli-args.ts';
import { seededRandom } from '../src/lib/seeded-random.ts';
import { useChangeHarness } from './change-harness.ts';

/** Lost and reordered webhook notifications, for tests and benchmarks of a receiver. */
describe('webhook delivery faults', () => {
  const start = useChangeHarness();

  /** Sends `count` pings through the control API; returns their notification ids in order. */
  async function sendPings(control: Awaited<ReturnType<typeof start>>['control'], count: number) {
    const ids: string[] = [];
    for (let n = 0; n < count; n++) {
      ids.push((await control('POST', 'webhooks/send', { topic: 'ping', item: { n } })).body.id);
    }
    return ids;
  }

  it('with dropShare 1 loses every notification, on every attempt, and lists their ids', async () => {
    const { control, received } = await start({ webhookRetryDelayMs: 10 });
    const set = await control('POST', 'webhooks/faults', { dropShare: 1 });
    expect(set.body).toEqual({ faults: { dropShare: 1, reorderShare: 0, reorderDelayMs: 300 } });
    const ids = await sendPings(control, 5);
    await control('POST', 'changes/contacts', { email: 'lost@example.com' });
    await sleep(100);
    expect(received).toEqual([]);
    const { body: webhooks } = await control('GET', 'webhooks');
    expect(webhooks).toMatchObject({ emitted: 6, lost: 6, sent: 0, retried: 0, deliveries: [] });
    expect(webhooks.lostIds.slice(0, 5)).toEqual(ids);
    expect((await control('GET', 'stats')).body.webhooks.lost).toBe(6);
  });

  it('with dropShare 0.5 and a seed loses about half, the same ones on every run', async () => {
    const lostPositions: number[][] = [];
    for (let run = 0; run < 2; run++) {
      const { control, received } = await start({ webhookDropShare: 0.5, randomSeed: 42 });
      const ids = await sendPings(control, 200);
      await expect
        .poll(async () => (await control('GET', 'webhooks')).body)
        .toSatisfy((w: { sent: number; lost: number }) => w.sent + w.lost === 200);
      const { body } = await control('GET', 'webhooks');
      expect(body.lost).toBeGreaterThan(70);
      expect(body.lost).toBeLessThan(130);
      expect(body.lost + received.length).toBe(200);
      const delivered = new Set(received.map((r) => r.body.id));
      expect(body.lostIds.filter((id: string) => delivered.has(id))).toEqual([]);
      lostPositions.push(body.lostIds.map((id: string) => ids.indexOf(id)));
    }
    expect(lostPositions[1]).toEqual(lostPositions[0]);
  });

  it('holds a reordered notification back so a later one overtakes it', async () => {
    const { control, received } = await start();
    await control('POST', 'webhooks/faults', { reorderShare: 1, reorderDelayMs: 150 });
    const [held] = await sendPings(control, 1);
    await control('POST', 'webhooks/faults', { reorderShare: 0 });
    const [later] = await sendPings(control, 1);
    expect((await control('GET', 'webhooks')).body).toMatchObject({
      reordered: 1,
      pendingReorders: 1,
    });
    await vi.waitFor(() => expect(received).toHaveLength(2));
    expect(received.map((r) => r.body.id)).toEqual([later, held]);
    const [overtaken, first] = [received[1]?.body, received[0]?.body];
    expect(overtaken?.delivery_attempts).toBe(1);
    expect(overtaken?.created_at).toBeLessThanOrEqual(first?.created_at ?? 0);
    expect((await control('GET', 'webhooks')).body).toMatchObject({ pendingReorders: 0, sent: 2 });
  });

  it('start-up settings are the baseline DELETE and reset return to; bad input is a 400', async () => {
    const { control, sim } = await start({ webhookReorderShare: 0.25, random: seededRandom(1) });
    const baseline = { dropShare: 0, reorderShare: 0.25, reorderDelayMs: 300 };
    expect((await control('GET', 'webhooks/faults')).body).toEqual({ faults: baseline });
    await control('POST', 'webhooks/faults', { dropShare: 0.5, reorderDelayMs: 10 });
    expect((await control('DELETE', 'webhooks/faults')).body).toEqual({ faults: baseline });
    await control('POST', 'webhooks/faults', { dropShare: 1 });
    sim.state.webhooks.emit('ping', {});
    await control('POST', 'reset');
    expect(sim.state.webhooks.faults.config()).toEqual(baseline);
    expect(sim.state.webhooks.stats().lost).toBe(0);
    expect((await control('GET', 'webhooks')).body.lostIds).toEqual([]);

    const bad = await control('POST', 'webhooks/faults', {
      dropShare: 2,
      reorderDelayMs: -1,
      x: 1,
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'invalid_webhook_faults' });
    expect(bad.body.error.details).toHaveLength(3);
  });

  it('takes the settings and a seed from the command line', () => {
    const command = parseCliArgs([
      '--webhook-drop-share',
      '0.1',
      '--webhook-reorder-share',
      '0.2',
      '--webhook-reorder-delay-ms',
      '50',
      '--random-seed',
      '7',
    ]);
    expect(command).toMatchObject({
      kind: 'run',
      options: {
        webhookDropShare: 0.1,
        webhookReorderShare: 0.2,
        webhookReorderDelayMs: 50,
        randomSeed: 7,
      },
    });
    expect(() => parseCliArgs(['--webhook-drop-share', '1.5'])).toThrow(
      '--webhook-drop-share must be a number in [0, 1], got "1.5"',
    );
  });
});
