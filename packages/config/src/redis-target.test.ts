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

describe('readRedisSettings: Sentinel', () => {
  it('reads the Sentinels and the master group; REDIS_URL gives credentials, TLS and database', () => {
    expect(
      read({
        REDIS_SENTINELS: '10.0.0.1:26379, sentinel-b,[::1]:26380',
        REDIS_SENTINEL_NAME: 'relay',
      }),
    ).toEqual({
      redis: {
        mode: 'sentinel',
        sentinels: [
          { host: '10.0.0.1', port: 26379 },
          { host: 'sentinel-b', port: 26379 },
          { host: '::1', port: 26380 },
        ],
        name: 'relay',
        db: 0,
        tls: false,
      },
      queuePrefix: '{relay}',
    });
    expect(
      read({
        REDIS_SENTINELS: 's1:26379',
        REDIS_SENTINEL_NAME: 'relay',
        REDIS_URL: 'rediss://relay:p%40ss@ignored-host:6380/2',
        REDIS_SENTINEL_PASSWORD: 'sentinel-secret',
      }).redis,
    ).toEqual({
      mode: 'sentinel',
      sentinels: [{ host: 's1', port: 26379 }],
      name: 'relay',
      username: 'relay',
      password: 'p@ss',
      sentinelPassword: 'sentinel-secret',
      db: 2,
      tls: true,
    });
  });

  it('refuses a missing name, a name without Sentinels, credentials in the list, and Sentinel with a cluster', () => {
    expect(() => read({ REDIS_SENTINELS: 's1:26379' })).toThrow(/REDIS_SENTINEL_NAME/);
    expect(() => read({ REDIS_SENTINEL_NAME: 'relay' })).toThrow(
      /REDIS_SENTINEL_NAME is set but REDIS_SENTINELS is not/,
    );
    const problems = () =>
      read({
        REDIS_SENTINELS: 'redis://:secret@s1:26379,s2:0',
        REDIS_SENTINEL_NAME: 'relay',
        REDIS_CLUSTER_NODES: 'c1:7000',
      });
    expect(problems).toThrow(/"redis:\/\/\*\*\*@s1:26379" is not host:port/);
    expect(problems).toThrow(/"s2:0" is not host:port/);
    expect(problems).toThrow(/REDIS_SENTINELS or REDIS_CLUSTER_NODES, not both/);
    expect(problems).not.toThrow(/secret/);
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
