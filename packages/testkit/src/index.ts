/**
 * @relay/testkit — real parts for tests: private redis-server processes, the Intercom
 * simulator as a child process, webhook signing, and helpers to run the stack.
 * Not here: mocks. Tests use the real Redis, BullMQ, SDK and simulator.
 */
export { exited, stopChild, trackChild } from './child-process.ts';
export { freePort } from './free-port.ts';
export { startTestRedis, type TestRedis } from './redis.ts';
export {
  hasRedisServerBinary,
  type RedisServer,
  type RedisServerOptions,
  startRedisServer,
} from './redis-server.ts';
