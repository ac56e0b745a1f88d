import { readdirSync, readFileSync } from 'node:fs';
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

describe('startStack', () => {
  it.runIf(process.platform === 'linux')(
    'leaves no process behind when one of them does not start',
    async () => {
      const prefix = `{stack-${process.pid}-${Date.now()}}`;
      const start = startStack({
        redisUrl: redis.url,
        queuePrefix: prefix,
        intercomUrl: sim.url,
        intercomToken: sim.token,
        webhookSecret: 'secret',
        crmToken: 'crm',
        workers: 2,
        // The ingress refuses this; the workers do not read it and start.
        env: { CRM_RATE_LIMIT_PER_MINUTE: 'abc' },
      });
      await expect(start).rejects.toThrow(/CRM_RATE_LIMIT_PER_MINUTE/);
      expect(processesWith('QUEUE_PREFIX', prefix)).toEqual([]);
    },
  );
});
