/**
 * @relay/testkit — real parts for tests: private redis-server processes, the Intercom
 * simulator as a child process, the relay's own processes, and webhook signing.
 * Not here: mocks. Tests use the real Redis, BullMQ, SDK and simulator.
 */
export { exited, stopChild, trackChild } from './child-process.ts';
export { type CrmAnswer, crmApi, type JobStatusAnswer } from './crm-api.ts';
export { freePort } from './free-port.ts';
export { type NodeProcess, type NodeProcessOptions, startNodeProcess } from './node-process.ts';
export { startTestRedis, type TestRedis } from './redis.ts';
export { startRedisCluster, type TestRedisCluster } from './redis-cluster.ts';
export { dumpKeys } from './redis-dump.ts';
export {
  hasRedisServerBinary,
  type RedisServer,
  type RedisServerOptions,
  startRedisServer,
} from './redis-server.ts';
export {
  E2E_CRM_TOKEN,
  E2E_WEBHOOK_SECRET,
  type RelayOptions,
  type RelayWithSimulator,
  startRelayOnCluster,
  startRelayWithSimulator,
} from './relay-with-simulator.ts';
export { REPO_ROOT } from './repo-root.ts';
export { SIM_TOKEN, type SimulatorProcess, startSimulator } from './simulator.ts';
export { type Stack, type StackOptions, startStack } from './stack.ts';
export {
  createTcpProxy,
  type TcpProxy,
  type TcpProxyMode,
  type TcpProxyOptions,
} from './tcp-proxy.ts';
export { makeTestCertificate, type TestCertificate } from './tls-certificate.ts';
export { waitFor } from './wait-for.ts';
export { deliverWebhook, notificationFixture, signWebhook } from './webhooks.ts';
