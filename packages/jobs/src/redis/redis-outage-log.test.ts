import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { RedisClient } from './connection.ts';
import { createRedisOutageLog } from './redis-outage-log.ts';

function recordingLogger() {
  const lines: { level: string; msg: string; object: Record<string, unknown> }[] = [];
  const at = (level: string) => (object: object, msg: string) =>
    lines.push({ level, msg, object: object as Record<string, unknown> });
  return { lines, logger: { error: at('error'), warn: at('warn') } };
}

const refused = () =>
  Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6390'), {
    code: 'ECONNREFUSED',
    syscall: 'connect',
  });

describe('createRedisOutageLog', () => {
  it('logs an outage once, then a counted summary per period, then its end', async () => {
    const { lines, logger } = recordingLogger();
    const log = createRedisOutageLog({ logger, summaryEveryMs: 100 });
    const [a, b] = [new EventEmitter(), new EventEmitter()];
    log.watch(a as unknown as RedisClient);
    log.watch(b as unknown as RedisClient);

    for (let i = 0; i < 50; i++) (i % 2 ? a : b).emit('error', refused());
    log.failed(refused()); // a BullMQ queue relaying the same
    expect(lines).toEqual([
      {
        level: 'error',
        msg: 'redis unreachable',
        object: { cause: { message: 'connect ECONNREFUSED 127.0.0.1:6390', code: 'ECONNREFUSED' } },
      },
    ]);

    await sleep(150);
    expect(lines[1]).toMatchObject({
      level: 'warn',
      msg: 'redis still unreachable',
      object: { errors: 50, lastError: 'connect ECONNREFUSED 127.0.0.1:6390' },
    });
    await sleep(150); // no errors meanwhile: no line
    expect(lines).toHaveLength(2);

    a.emit('ready');
    b.emit('ready'); // the outage already ended
    expect(lines.slice(2)).toEqual([
      expect.objectContaining({
        level: 'warn',
        msg: 'redis reachable again',
        object: expect.objectContaining({ errors: 51 }),
      }),
    ]);

    a.emit('error', refused()); // a new outage is a new first line
    expect(lines.at(-1)?.msg).toBe('redis unreachable');
    log.close();
  });

  it("tells a worker's network errors, and any error during an outage, from its own", () => {
    const log = createRedisOutageLog({ logger: recordingLogger().logger });
    expect(log.explains(new Error('could not renew lock for job 1'))).toBe(false);
    expect(log.explains(refused())).toBe(true);
    log.failed(refused());
    expect(log.explains(new Error('Connection is closed.'))).toBe(true);
    log.close();
  });
});
