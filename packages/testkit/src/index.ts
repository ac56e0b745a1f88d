/**
 * @relay/testkit — real parts for tests: private redis-server processes, the Intercom
 * simulator as a child process (with its control API typed), the relay's own processes,
 * captured logs, and webhook signing. `use*` helpers start a part in beforeAll and stop it in
 * afterAll (useRedis, useSimulator, useRelay); `start*` functions are for a test that starts
 * and stops a part itself.
 * Not here: mocks. Tests use the real Redis, BullMQ, SDK and simulator.
 */
export { type CapturedLogs, captureLogs, type LogEntry } from './capture-logs.ts';
export { appendToChangeLog, markChangeLogTrimmed } from './change-log.ts';
export { exited, stopChild, trackChild } from './child-process.ts';
export { type CrmAnswer, crmApi, type JobStatusAnswer } from './crm-api.ts';
export { freePort } from './free-port.ts';
export { type NodeProcess, type NodeProcessOptions, startNodeProcess } from './node-process.ts';
export { startTestRedis, type TestRedis, uniquePrefix } from './redis.ts';
export { startRedisCluster, type TestRedisCluster } from './redis-cluster.ts';
export { dumpKeys } from './redis-dump.ts';
export {
  type RedisSentinelOptions,
  startRedisReplica,
  startRedisSentinel,
  type TestRedisSentinel,
} from './redis-sentinel.ts';
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
  type UsedRelay,
  useRelay,
} from './relay-with-simulator.ts';
export { REPO_ROOT } from './repo-root.ts';
export {
  type SimChanges,
  type SimCompanyFields,
  type SimContactEdit,
  type SimContactFields,
  type SimNewCompany,
  type SimNewContact,
  SimulatorRefusal,
  type SimWebhookFaultControl,
  simChanges,
  simWebhookFaults,
} from './sim-changes.ts';
export type {
  JournalEntry,
  SimCompany,
  SimContact,
  SimContactEntry,
  SimContactReference,
  SimContacts,
  SimDeletedContact,
  SimDelivery,
  SimEvent,
  SimEvents,
  SimInlineList,
  SimStats,
  SimWebhookFaults,
  SimWebhookStats,
  SimWebhooks,
} from './sim-views.ts';
export {
  SIM_TOKEN,
  type SimulatorClient,
  type SimulatorProcess,
  startSimulator,
  useSimulator,
} from './simulator.ts';
export { type Stack, type StackOptions, startStack } from './stack.ts';
export {
  createTcpProxy,
  type TcpProxy,
  type TcpProxyMode,
  type TcpProxyOptions,
} from './tcp-proxy.ts';
export { makeTestCertificate, type TestCertificate } from './tls-certificate.ts';
export {
  type UsedRedis,
  type UsedRedisServer,
  type UseRedisOptions,
  useRedis,
} from './use-redis.ts';
export { waitFor } from './wait-for.ts';
export { deliverWebhook, notificationFixture, signWebhook } from './webhooks.ts';
