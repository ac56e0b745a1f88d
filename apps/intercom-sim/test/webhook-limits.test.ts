import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildSimulator, type Simulator } from '../src/app.ts';
import type { SimulatorOptions } from '../src/options.ts';
import { createManualClock } from './helpers.ts';
import { startWebhookReceiver } from './webhook-receiver.ts';

describe("webhook delivery limits like Intercom's", () => {
  let sim: Simulator | undefined;
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>> | undefined;
  afterEach(async () => {
    await sim?.app.close();
    await receiver?.close();
  });

  async function setUp(answer: (n: number) => number, options: SimulatorOptions = {}) {
    receiver = await startWebhookReceiver(answer);
    sim = buildSimulator({ webhookUrls: [receiver.url], webhookRetryDelayMs: 60_000, ...options });
    return { sim, receiver };
  }

  /** Emits and waits until the delivery has been answered and recorded. */
  async function emitAndSettle(target: Simulator, topic = 'ping') {
    const before = target.state.webhooks.deliveries().length;
    target.state.webhooks.emit(topic, { type: 'ping', message: 'hi' });
    await vi.waitFor(() => expect(target.state.webhooks.deliveries().length).toBe(before + 1));
  }

  it('disables the subscription on a 410: no retry, nothing sent after, visible in stats', async () => {
    const { sim, receiver } = await setUp(() => 410);
    await emitAndSettle(sim);
    sim.state.webhooks.emit('ping', {});
    sim.state.webhooks.emit('contact.user.created', {});

    const stats = (await sim.app.inject({ url: '/__sim/stats' })).json().webhooks;
    expect(stats).toMatchObject({
      emitted: 3,
      sent: 0,
      disabled: 1,
      retried: 0,
      skipped: 2,
      pendingRetries: 0,
    });
    expect(stats.subscriptions).toEqual([
      { url: receiver.url, state: 'disabled', disabledAt: expect.any(Number), pausedTopics: {} },
    ]);
    expect(receiver.received).toHaveLength(1);

    await sim.app.inject({ method: 'POST', url: '/__sim/reset' });
    const view = (await sim.app.inject({ url: '/__sim/webhooks' })).json();
    expect(view.subscriptions[0].state).toBe('active');
  });

  it('throttles on a 429: re-sends after a doubling delay until the receiver accepts', async () => {
    const { sim, receiver } = await setUp((n) => (n <= 2 ? 429 : 200), {
      webhookThrottleDelayMs: 5,
    });
    sim.state.webhooks.emit('ping', {});
    await vi.waitFor(() => expect(sim.state.webhooks.stats().sent).toBe(1));
    const bodies = receiver.received.map((r) => r.body);
    expect(bodies.map((b) => b.delivery_attempts)).toEqual([1, 2, 3]);
    expect(new Set(bodies.map((b) => b.id)).size).toBe(1);
    expect(sim.state.webhooks.stats()).toMatchObject({
      throttled: 2,
      failed: 0,
      retried: 0,
      dropped: 0,
    });
  });

  it('drops a notification that 429s would hold longer than the maximum', async () => {
    // Delays 5, 10 (15 ms held), then 20 would make 35 > 30: dropped after three answers.
    const { sim, receiver } = await setUp(() => 429, {
      webhookThrottleDelayMs: 5,
      webhookThrottleMaxMs: 30,
    });
    sim.state.webhooks.emit('ping', {});
    await vi.waitFor(() => expect(sim.state.webhooks.stats().dropped).toBe(1));
    expect(receiver.received).toHaveLength(3);
    expect(sim.state.webhooks.stats()).toMatchObject({ throttled: 3, pendingRetries: 0 });
  });

  it('pauses a topic after more consecutive errors than the threshold, for the pause time', async () => {
    const clock = createManualClock();
    const { sim, receiver } = await setUp(() => 500, {
      webhookPauseErrors: 3,
      webhookPauseWindowMs: 60_000,
      webhookPauseMs: 900_000,
      now: clock.now,
    });
    for (let i = 0; i < 3; i++) await emitAndSettle(sim);
    expect(sim.state.webhooks.stats()).toMatchObject({ paused: 0, subscriptions: [{}] });
    await emitAndSettle(sim); // the 4th consecutive error: more than 3
    const paused = sim.state.webhooks.stats();
    expect(paused.paused).toBe(1);
    expect(paused.subscriptions[0]?.pausedTopics).toEqual({ ping: clock.now() + 900_000 });

    sim.state.webhooks.emit('ping', {});
    expect(sim.state.webhooks.stats().skipped).toBe(1);
    await emitAndSettle(sim, 'contact.user.created'); // other topics still go out
    expect(receiver.received).toHaveLength(5);

    clock.advance(900_000);
    await emitAndSettle(sim);
    expect(receiver.received).toHaveLength(6);
    expect(sim.state.webhooks.stats().subscriptions[0]?.pausedTopics).toEqual({});
  });

  it('does not pause when the errors are spread wider than the window', async () => {
    const clock = createManualClock();
    const { sim } = await setUp(() => 500, {
      webhookPauseErrors: 2,
      webhookPauseWindowMs: 1_000,
      now: clock.now,
    });
    for (let i = 0; i < 5; i++) {
      await emitAndSettle(sim);
      clock.advance(600);
    }
    expect(sim.state.webhooks.stats()).toMatchObject({ failed: 5, paused: 0, skipped: 0 });
  });

  it('a success ends the run of consecutive errors', async () => {
    const clock = createManualClock();
    const { sim } = await setUp((n) => (n === 3 ? 200 : 500), {
      webhookPauseErrors: 3,
      now: clock.now,
    });
    for (let i = 0; i < 6; i++) await emitAndSettle(sim);
    expect(sim.state.webhooks.stats()).toMatchObject({ sent: 1, failed: 5, paused: 0 });
    await emitAndSettle(sim);
    expect(sim.state.webhooks.stats().paused).toBe(1);
  });
});
