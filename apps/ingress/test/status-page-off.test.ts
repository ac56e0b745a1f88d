import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort, type NodeProcess, REPO_ROOT, startNodeProcess, useRedis } from '@relay/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The real ingress process, with every outgoing fetch sent through an HTTP proxy that counts
 * what passes (Node's NODE_USE_ENV_PROXY): the default status page is on another host, so
 * the proxy is how a test sees whether the ingress asks for it at all.
 */
const redis = useRedis();
let proxy: Server;
const tunnels: string[] = [];

beforeAll(async () => {
  proxy = createServer((_request, response) => response.writeHead(502).end());
  proxy.on('connect', (request, socket) => {
    socket.on('error', () => {}); // the ingress may hang up first
    tunnels.push(String(request.url));
    socket.end('HTTP/1.1 502 Bad Gateway\r\n\r\n');
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
});
afterAll(() => {
  proxy?.close();
});

async function startIngress(statusUrl: string | undefined): Promise<NodeProcess<string>> {
  const port = await freePort();
  return startNodeProcess<string>({
    script: join(REPO_ROOT, 'apps/ingress/src/main.ts'),
    env: {
      REDIS_URL: redis.url,
      QUEUE_PREFIX: redis.prefix,
      INTERCOM_CLIENT_SECRET: 'webhook-secret',
      CRM_API_TOKENS: 'crm-token',
      INTERCOM_ACCESS_TOKEN: undefined,
      INTERCOM_STATUS_URL: statusUrl,
      INTERCOM_STATUS_POLL_MS: '1000',
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'warn',
      NODE_USE_ENV_PROXY: '1',
      HTTPS_PROXY: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
      HTTP_PROXY: undefined,
      NO_PROXY: undefined,
    },
    readyUrl: `http://127.0.0.1:${port}/healthz`,
  });
}

async function metricsOf(ingress: NodeProcess<string>): Promise<string> {
  return (await fetch(`${ingress.ready}/metrics`)).text();
}

describe('INTERCOM_STATUS_URL set empty', () => {
  it('turns the status page off: no request leaves for it, and no gauge claims to know it', async () => {
    const ingress = await startIngress('');
    try {
      await sleep(2_500); // two and a half poll intervals
      expect(tunnels).toEqual([]);
      expect(await metricsOf(ingress)).not.toContain('intercom_status_page_operational');
    } finally {
      await ingress.stop();
    }
  });

  it('(the control) unset, the default page is polled through the same proxy', async () => {
    const ingress = await startIngress(undefined);
    try {
      const deadline = Date.now() + 5_000;
      while (tunnels.length === 0 && Date.now() < deadline) await sleep(50);
      expect(tunnels).toContain('www.intercomstatus.com:443');
      expect(await metricsOf(ingress)).toContain('intercom_status_page_operational');
    } finally {
      await ingress.stop();
      tunnels.length = 0;
    }
  });
});
