import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { startRedisContainer, startTestRedis } from './redis.ts';
import { startRedisServer } from './redis-server.ts';

describe('startTestRedis', () => {
  it('uses REDIS_URL when given, without starting anything', async () => {
    const redis = await startTestRedis({ REDIS_URL: 'redis://127.0.0.1:1' });
    expect(redis.source).toBe('REDIS_URL');
    expect(redis.url).toBe('redis://127.0.0.1:1');
    expect(redis.prefix).toMatch(/^\{t[0-9a-f]{8}\}$/);
  });

  it('starts a private redis-server with AOF and noeviction, never on 6379', async () => {
    const redis = await startTestRedis({});
    const client = new Redis(redis.url);
    try {
      expect(redis.source).toBe('redis-server');
      expect(redis.url).not.toContain(':6379');
      expect(await client.config('GET', 'appendonly')).toEqual(['appendonly', 'yes']);
      expect(await client.config('GET', 'maxmemory-policy')).toEqual([
        'maxmemory-policy',
        'noeviction',
      ]);
    } finally {
      client.disconnect();
      await redis.stop();
    }
  });
});

describe('startRedisContainer', () => {
  it('starts Redis 7 with AOF and noeviction in a container where a Docker engine answers', async (context) => {
    const container = await startRedisContainer();
    if (!container) {
      // The docker CLI alone is not enough: without an engine the path cannot run here.
      context.skip('no Docker engine answers here: the testcontainers path runs where one does');
      return;
    }
    const client = new Redis(container.url);
    try {
      expect(await client.config('GET', 'appendonly')).toEqual(['appendonly', 'yes']);
      expect(await client.config('GET', 'maxmemory-policy')).toEqual([
        'maxmemory-policy',
        'noeviction',
      ]);
      expect((await client.info('server')).match(/redis_version:(\d+)/)?.[1]).toBe('7');
    } finally {
      client.disconnect();
      await container.stop();
    }
  }, 120_000);
});

describe('startRedisServer', () => {
  it('keeps AOF data across a SIGKILL and restart', async () => {
    const server = await startRedisServer();
    const client = new Redis(server.url, { maxRetriesPerRequest: null });
    client.on('error', () => {});
    try {
      await client.set('k', 'v');
      await new Promise((resolve) => setTimeout(resolve, 1_200)); // appendfsync everysec
      await server.kill();
      await server.restart();
      expect(await client.get('k')).toBe('v');
    } finally {
      client.disconnect();
      await server.stop();
    }
  });
});
