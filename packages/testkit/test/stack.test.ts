import { readdirSync, readFileSync } from 'node:fs';
import { type AddressInfo, createServer, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { useSimulator } from '../src/simulator.ts';
import { startStack } from '../src/stack.ts';
import { useRedis } from '../src/use-redis.ts';

const redis = useRedis();
const sim = useSimulator();

/** Processes of this machine whose environment holds `NAME=value` (Linux: /proc). */
function processesWith(name: string, value: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const environ = readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0');
      if (environ.includes(`${name}=${value}`)) pids.push(Number(entry));
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return pids;
}

/** A port of this process that accepts connections and never answers. */
async function holdPort(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

describe('startStack', () => {
  it.runIf(process.platform === 'linux')(
    'leaves no process behind when one of them does not start',
    async () => {
      const prefix = `{stack-${process.pid}-${Date.now()}}`;
      // The ingress's port is held here, answering nothing: a free port picked for it could be
      // taken by another test's server meanwhile, whose /healthz would pass for the ingress's.
      const held = await holdPort();
      const start = startStack({
        redisUrl: redis.url,
        queuePrefix: prefix,
        intercomUrl: sim.url,
        intercomToken: sim.token,
        webhookSecret: 'secret',
        crmToken: 'crm',
        workers: 2,
        // The ingress refuses this; the workers do not read it and start.
        env: { CRM_RATE_LIMIT_PER_MINUTE: 'abc', PORT: String(held.port) },
      });
      try {
        await expect(start).rejects.toThrow(/CRM_RATE_LIMIT_PER_MINUTE/);
      } finally {
        await held.close();
      }
      expect(processesWith('QUEUE_PREFIX', prefix)).toEqual([]);
    },
  );
});
