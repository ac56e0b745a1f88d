/**
 * @relay/config — helpers for each app's config.ts: typed environment parsing that reports
 * every problem in one message, secrets read from NAME or NAME_FILE (re-read on change),
 * where Redis is (one server or a cluster), and a server's TLS certificate and key files.
 * Not here: any app's configuration schema (each app owns its own config.ts).
 */
export { configOrExit, EXIT_CONFIG } from './config-or-exit.ts';
export { createEnvReader, type EnvReader, type EnvSource } from './env-reader.ts';
export {
  clusterHashTag,
  type RedisNode,
  type RedisSettings,
  type RedisTarget,
  readRedisSettings,
} from './redis-target.ts';
export { fileSecret, type Secret, staticSecret } from './secret.ts';
export { readTlsFiles, readTlsPair, type TlsFiles, type TlsPair } from './tls-files.ts';
