import {
  E2E_CRM_TOKEN as CRM_TOKEN,
  E2E_WEBHOOK_SECRET,
  notificationFixture,
  SIM_TOKEN,
  signWebhook,
  useRelay,
  waitFor,
} from '@relay/testkit';
import { beforeAll, describe, expect, it } from 'vitest';

/**
 * A full run at debug level with planted secrets and personal data in every place they can
 * come in (pushes, reads by an email-shaped id, webhooks, errors from Intercom, refused
 * requests, an erasure): afterwards no log line of any relay process holds one of them.
 */
const PLANTED_TOKEN = 'crm-planted-token-7Qx9';
const PEOPLE = Array.from({ length: 6 }, (_, i) => ({
  external_id: `planted-${i}@leak.example`,
  email: `person${i}.planted@leak.example`,
  name: `Plantedname Surname${i}`,
  phone: `+44 7700 90012${i}`,
  custom_attributes: { plan_note: `private-note-${i}` },
}));
const SECRETS = [PLANTED_TOKEN, CRM_TOKEN, E2E_WEBHOOK_SECRET, SIM_TOKEN];
const PERSONAL = PEOPLE.flatMap((person) => [
  person.external_id,
  person.email,
  person.name,
  person.phone,
  person.phone.replaceAll(' ', ''),
  person.custom_attributes.plan_note,
]);

const lines: { service: string; line: string }[] = [];
const relay = useRelay({
  simArgs: ['--custom-attribute', 'contact.plan_note:string'],
  env: { LOG_LEVEL: 'debug', RECONCILE_EVERY_MS: '0', INTERCOM_STATUS_POLL_MS: '1000' },
  onLine: (service, line) => lines.push({ service, line }),
});
let ingressUrl: string;

beforeAll(() => {
  ingressUrl = relay.stack.ingressUrl;
});

function call(method: string, path: string, body?: unknown, token = CRM_TOKEN) {
  return fetch(`${ingressUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

async function jobState(jobId: string): Promise<string> {
  const response = await call('GET', `/v1/jobs/${encodeURIComponent(jobId)}`);
  return ((await response.json()) as { state?: string }).state ?? 'unknown';
}

describe('logs hold no secret and no personal data', () => {
  it('after pushes, reads, webhooks, Intercom errors, refusals and an erasure', async () => {
    const [failing, ...rest] = PEOPLE;
    if (!failing) throw new Error('no people');
    // Intercom refuses the first write of one contact (its error text names the contact).
    await relay.sim.control('POST', 'faults', { errorRates: { '500': 1 } });
    const first = await call('POST', '/v1/contacts', { contacts: [failing] });
    expect(first.status).toBe(202);
    const firstJob = ((await first.json()) as { accepted: { jobId: string }[] }).accepted[0]?.jobId;
    await waitFor(
      () => fetch(`${ingressUrl}/metrics`).then((r) => r.text()),
      () =>
        lines.some(
          (entry) =>
            entry.service.startsWith('worker') && /"level":"(warn|error)"/.test(entry.line),
        ),
      15_000,
    );
    await relay.sim.control('DELETE', 'faults');

    const pushed = await call('POST', '/v1/contacts', {
      contacts: [
        ...rest,
        { external_id: 'planted-bad@leak.example', email: 'not an email person9.planted@leak' },
      ],
    });
    expect(pushed.status).toBe(202);
    const answer = (await pushed.json()) as { accepted: { jobId: string }[]; rejected: unknown[] };
    expect(answer.accepted).toHaveLength(rest.length);
    expect(answer.rejected).toHaveLength(1);
    const accepted = answer.accepted;
    for (const job of [firstJob ?? '', ...accepted.map((entry) => entry.jobId)]) {
      await waitFor(
        () => jobState(job),
        (state) => state === 'completed',
        30_000,
      );
    }

    const read = await call(
      'GET',
      `/v1/contacts/${encodeURIComponent(rest[0]?.external_id ?? '')}`,
    );
    expect(read.status, await read.clone().text()).toBe(200);
    const events = await call('POST', '/v1/events', {
      events: [
        {
          event_name: 'ordered',
          external_id: rest[1]?.external_id,
          created_at: 1_764_000_000,
          metadata: { shipping_to: rest[1]?.name, contact_email: rest[1]?.email },
        },
      ],
    });
    expect(events.status).toBe(202);

    expect((await call('POST', '/v1/contacts', { contacts: [] }, PLANTED_TOKEN)).status).toBe(401);
    const notification = JSON.stringify(
      notificationFixture({
        item: { type: 'contact', email: rest[2]?.email, name: rest[2]?.name },
      }),
    );
    const forged = await fetch(`${ingressUrl}/webhooks/intercom`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-hub-signature': signWebhook(notification, 'wrong'),
      },
      body: notification,
    });
    expect(forged.status).toBe(401);

    const erased = await call(
      'DELETE',
      `/v1/contacts/${encodeURIComponent(rest[3]?.external_id ?? '')}`,
    );
    expect(erased.status).toBe(202);
    const erasure = ((await erased.json()) as { jobId: string }).jobId;
    await waitFor(
      () => jobState(erasure),
      (state) => state === 'completed',
      30_000,
    );

    // The simulator's own webhooks about these contacts reached the ingress and the workers.
    await waitFor(
      () => fetch(`${ingressUrl}/metrics`).then((r) => r.text()),
      (text) => /relay_webhooks_total\{[^}]*outcome="accepted"[^}]*\} [1-9]/.test(text),
      15_000,
    );

    const text = lines.map((entry) => entry.line).join('\n');
    // The run logged plenty, from every process, errors included: the scan is not vacuous.
    expect(lines.length).toBeGreaterThan(25);
    expect(new Set(lines.map((entry) => entry.service))).toEqual(new Set(['ingress', 'worker-1']));
    expect(text).toMatch(/"level":"debug"/);
    expect(text).toMatch(/"level":"warn".*INTERCOM_UNAVAILABLE/);
    expect(text).toMatch(/WEBHOOK_SIGNATURE_INVALID/);
    const found = [...SECRETS, ...PERSONAL].filter((planted) =>
      text.toLowerCase().includes(planted.toLowerCase()),
    );
    const where = found.map((planted) => lines.find((entry) => entry.line.includes(planted))?.line);
    expect(found, `leaked in: ${where.join('\n')}`).toEqual([]);
  });
});

describe("Intercom's status page", () => {
  it('is exported as a metric that drops to 0 when Intercom declares an incident', async () => {
    const gauge = async () => {
      const text = await (await fetch(`${ingressUrl}/metrics`)).text();
      return Number(/^intercom_status_page_operational\{[^}]*\} (-?\d+)/m.exec(text)?.[1]);
    };
    await waitFor(gauge, (value) => value === 1, 10_000);
    await relay.sim.control('PUT', 'status-page', { indicator: 'major' });
    await waitFor(gauge, (value) => value === 0, 10_000);
    await relay.sim.control('PUT', 'status-page', { indicator: 'none' });
    await waitFor(gauge, (value) => value === 1, 10_000);
  });
});
