import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { readTlsPair } from '@relay/config';
import { QueueNames, webhookJobId } from '@relay/jobs';
import { createLogger } from '@relay/telemetry';
import {
  captureLogs,
  makeTestCertificate,
  notificationFixture,
  type SimDelivery,
  type SimulatorProcess,
  startSimulator,
  type TestCertificate,
  useRedis,
  waitFor,
} from '@relay/testkit';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { type ReloadableServer, watchTlsFiles } from '../src/lib/tls-reload.ts';
import { listen } from './security/raw-http.ts';
import { buildTestApp, type TestApp, WEBHOOK_SECRET, WHOLE_INGRESS } from './test-app.ts';

/**
 * The ingress serving HTTPS itself (TLS_CERT_FILE/TLS_KEY_FILE): Intercom delivers webhooks
 * only to https. Certificates are made here with openssl; none is committed.
 */
const required = { INTERCOM_CLIENT_SECRET: 'secret', CRM_API_TOKENS: 'crm-token' };

let dir: string;
let first: TestCertificate;
let second: TestCertificate;
let third: TestCertificate;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'relay-tls-'));
  [first, second, third] = [
    makeTestCertificate('first'),
    makeTestCertificate('second'),
    makeTestCertificate('third'),
  ];
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Writes a file as a certificate tool does: a new file renamed over the old one. */
function replaceFile(path: string, content: string) {
  writeFileSync(`${path}.new`, content);
  renameSync(`${path}.new`, path);
}

function writePair(name: string, cert: string, key: string) {
  const files = { certFile: join(dir, `${name}.crt`), keyFile: join(dir, `${name}.key`) };
  replaceFile(files.certFile, cert);
  replaceFile(files.keyFile, key);
  return files;
}

/** The fingerprint of the certificate a new TLS connection is shown. */
function servedFingerprint(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({
      host: '127.0.0.1',
      port,
      servername: 'localhost',
      ca: [first.cert, second.cert, third.cert],
    });
    socket.once('secureConnect', () => {
      resolve(socket.getPeerCertificate().fingerprint256);
      socket.destroy();
    });
    socket.once('error', reject);
  });
}

/** The simulator's record of its delivery of one notification, once it has one. */
async function deliveryOf(sim: SimulatorProcess, id: string): Promise<SimDelivery | undefined> {
  const read = () => sim.webhooks();
  const stats = await waitFor(
    read,
    (value) => value.deliveries.some((d) => d.notificationId === id),
    10_000,
  );
  return stats.deliveries.find((d) => d.notificationId === id);
}

function getHealth(port: number, ca: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = httpsRequest({ host: '127.0.0.1', port, path: '/healthz', ca }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on('error', reject);
    request.end();
  });
}

describe('TLS configuration', () => {
  it('is off with neither file, on with both, and refuses one without the other', () => {
    expect(loadConfig(required).tls).toBeUndefined();
    const files = writePair('config', first.cert, first.key);
    expect(
      loadConfig({ ...required, TLS_CERT_FILE: files.certFile, TLS_KEY_FILE: files.keyFile }).tls,
    ).toEqual(files);
    expect(() => loadConfig({ ...required, TLS_CERT_FILE: files.certFile })).toThrow(
      /set both TLS_CERT_FILE and TLS_KEY_FILE, or neither/,
    );
    expect(() => loadConfig({ ...required, TLS_KEY_FILE: files.keyFile })).toThrow(
      /set both TLS_CERT_FILE and TLS_KEY_FILE, or neither/,
    );
  });

  it('names an unreadable file, a key of another certificate and a file that is not PEM, in the one message with other problems', () => {
    const good = writePair('good', first.cert, first.key);
    const cases = [
      [
        { certFile: join(dir, 'absent.crt'), keyFile: good.keyFile },
        /cannot read the certificate file .*absent\.crt/,
      ],
      [
        writePair('mismatch', first.cert, second.key),
        /the key in .*mismatch\.key does not belong to the certificate/,
      ],
      [
        writePair('garbage', 'not a certificate', first.key),
        /not a usable PEM certificate and key/,
      ],
    ] as const;
    for (const [files, message] of cases) {
      const load = () =>
        loadConfig({
          ...required,
          PORT: 'eighty',
          TLS_CERT_FILE: files.certFile,
          TLS_KEY_FILE: files.keyFile,
        });
      expect(load).toThrow(message);
      expect(load).toThrow(/PORT must be a whole number/);
      expect(load).toThrow(/^invalid configuration:/);
    }
  });
});

describe('the ingress on HTTPS', () => {
  const redis = useRedis();
  let t: TestApp;
  let port: number;
  let files: { certFile: string; keyFile: string };
  let stopWatching: () => void;
  const logs = captureLogs();
  let sim: SimulatorProcess | undefined;

  beforeAll(async () => {
    files = writePair('served', first.cert, first.key);
    // Built here, not with useTestApp: the certificate files are written first.
    t = await buildTestApp(redis, { ...WHOLE_INGRESS, https: readTlsPair(files) });
    port = await listen(t.app);
    stopWatching = watchTlsFiles({
      files,
      servers: [t.app.server as unknown as ReloadableServer],
      logger: createLogger({ service: 'ingress-test', destination: logs.destination }),
      intervalMs: 100,
    });
  });
  afterAll(async () => {
    stopWatching?.();
    await sim?.stop();
    await t?.close();
  });

  it('answers over HTTPS with the configured certificate', async () => {
    expect(await getHealth(port, first.cert)).toBe(200);
    expect(await servedFingerprint(port)).toBe(first.fingerprint256);
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
  });

  it("takes the simulator's webhooks over https (the simulator trusting the test certificate)", async () => {
    const caFile = join(dir, 'ca.pem');
    writeFileSync(caFile, [first.cert, second.cert, third.cert].join(''));
    const url = `https://localhost:${port}/webhooks/intercom`;
    sim = await startSimulator([
      '--webhook-url',
      url,
      '--webhook-secret',
      WEBHOOK_SECRET,
      '--webhook-ca',
      caFile,
      '--webhook-retry-delay-ms',
      '60000',
    ]);
    const item = notificationFixture().data.item;
    const sent = await sim.control<{ id: string }>('POST', '/webhooks/send', {
      topic: 'contact.user.created',
      item,
    });
    const delivery = await deliveryOf(sim, sent.id);
    expect(delivery, JSON.stringify(delivery)).toMatchObject({ status: 200, error: null });
    const queue = new Queue(QueueNames.webhook, { connection: t.connection, prefix: redis.prefix });
    expect(await queue.getJob(webhookJobId(sent.id))).toBeDefined();
    await queue.close();
  });

  it('a simulator that does not trust the certificate fails the delivery (TLS is checked)', async () => {
    const untrusting = await startSimulator([
      '--webhook-url',
      `https://localhost:${port}/webhooks/intercom`,
      '--webhook-secret',
      WEBHOOK_SECRET,
    ]);
    try {
      const sent = await untrusting.control<{ id: string }>('POST', '/webhooks/send', {
        topic: 'ping',
        item: {},
      });
      const delivery = await deliveryOf(untrusting, sent.id);
      expect(delivery?.status).toBeNull();
      expect(delivery?.error).toMatch(/certificate/i);
    } finally {
      await untrusting.stop();
    }
  });

  it('serves a rotated certificate to new connections without a restart; a bad pair is logged and the old one kept', async () => {
    replaceFile(files.certFile, second.cert);
    replaceFile(files.keyFile, second.key);
    await waitFor(
      () => servedFingerprint(port),
      (fp) => fp === second.fingerprint256,
      5_000,
      50,
    );
    expect(logs.text()).toContain('reloaded TLS certificate');

    // A certificate written before its key: the pair is unusable until the key lands.
    replaceFile(files.certFile, third.cert);
    await waitFor(
      async () => logs.text(),
      (text) => text.includes('not a usable pair'),
      5_000,
      50,
    );
    expect(await servedFingerprint(port)).toBe(second.fingerprint256);
    expect(await getHealth(port, second.cert)).toBe(200);

    replaceFile(files.keyFile, third.key);
    await waitFor(
      () => servedFingerprint(port),
      (fp) => fp === third.fingerprint256,
      5_000,
      50,
    );
    expect(logs.text()).not.toContain('BEGIN');
  });
});
