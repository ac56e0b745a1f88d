import { describe, expect, it } from 'vitest';
import { createEnvReader, type EnvSource } from './env-reader.ts';
import { clusterHashTag, readRedisSettings } from './redis-target.ts';

const DEFAULTS = { defaultPrefix: '{relay}' };

function read(source: EnvSource) {
  const env = createEnvReader(source);
  const settings = readRedisSettings(env, DEFAULTS);
  env.finish();
  return settings;
}

describe('readRedisSettings', () => {
  it('keeps REDIS_URL as it was: one server, the default when unset', () => {
    expect(read({})).toEqual({
      redis: { mode: 'single', url: 'redis://127.0.0.1:6379' },
      queuePrefix: '{relay}',
    });
    expect(read({ REDIS_URL: 'rediss://:pw@redis:6380/2', QUEUE_PREFIX: 'plain' })).toEqual({
      redis: { mode: 'single', url: 'rediss://:pw@redis:6380/2' },
      queuePrefix: 'plain', // no cluster, no hash tag needed
    });
  });

  it('reads a cluster seed list of host:port', () => {
    expect(
      read({ REDIS_CLUSTER_NODES: '10.0.0.1:7000, 10.0.0.2:7001,[::1]:7002,redis-c' }),
    ).toEqual({
      redis: {
        mode: 'cluster',
        nodes: [
          { host: '10.0.0.1', port: 7000 },
          { host: '10.0.0.2', port: 7001 },
          { host: '::1', port: 7002 },
          { host: 'redis-c', port: 6379 },
        ],
        tls: false,
      },
      queuePrefix: '{relay}',
    });
  });

  it('takes credentials and TLS from seed URLs, as REDIS_URL carries them', () => {
    const { redis } = read({
      REDIS_CLUSTER_NODES: 'rediss://relay:p%40ss@a:7000,rediss://relay:p%40ss@b:7000',
    });
    expect(redis).toEqual({
      mode: 'cluster',
      nodes: [
        { host: 'a', port: 7000 },
        { host: 'b', port: 7000 },
      ],
      username: 'relay',
      password: 'p@ss',
      tls: true,
    });
  });

  it('refuses a cluster prefix without a hash tag, both variables, and bad seeds, all at once', () => {
    const env = createEnvReader({
      REDIS_URL: 'redis://one:6379',
      REDIS_CLUSTER_NODES: 'a:7000,redis://:secret@b:notaport,http://c:1,redis://d:7000/3',
      QUEUE_PREFIX: 'relay',
    });
    readRedisSettings(env, DEFAULTS);
    let message = '';
    try {
      env.finish();
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('set REDIS_URL or REDIS_CLUSTER_NODES, not both');
    expect(message).toContain('QUEUE_PREFIX "relay" has no hash tag');
    expect(message).toContain('"redis://***@b:notaport" is not host:port');
    expect(message).toContain('"http://c:1" is not host:port');
    expect(message).toContain('only database 0');
    expect(message).not.toContain('secret');
  });

  it('refuses seeds that disagree on scheme or credentials', () => {
    expect(() => read({ REDIS_CLUSTER_NODES: 'rediss://:a@x:7000,redis://:a@y:7000' })).toThrow(
      /same scheme and credentials/,
    );
  });
});

describe('clusterHashTag', () => {
  it('follows Redis: the first {…} with something inside', () => {
    expect(clusterHashTag('{relay}')).toBe('relay');
    expect(clusterHashTag('app:{relay}:x')).toBe('relay');
    expect(clusterHashTag('{}relay')).toBeUndefined();
    expect(clusterHashTag('{relay')).toBeUndefined();
    expect(clusterHashTag('relay}')).toBeUndefined();
    expect(clusterHashTag('{a}{b}')).toBe('a');
  });
});
