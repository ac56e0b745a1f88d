import { SentinelConnector } from 'ioredis';

type ConnectArgs = Parameters<SentinelConnector['connect']>;
type SentinelOptions = ConstructorParameters<typeof SentinelConnector>[0];

/** The part of ioredis's connector this reaches into: a private field (ioredis 6, pinned). */
type WithFailoverDetector = { failoverDetector?: { cleanup(): void } };

/**
 * ioredis's Sentinel connector, without its reconnect race (see the glossary: Sentinel
 * reconnect race): before asking the Sentinels where the primary is, it stops the failover
 * detector of the connection that was lost, which would otherwise cut this attempt short
 * and end the connection for good. The next connection starts a detector of its own.
 * Passed as ioredis's `Connector` option, so BullMQ's duplicates of a connection have it too.
 */
export class FailoverSafeSentinelConnector extends SentinelConnector {
  /** ioredis constructs its `Connector` with the connection's options, typed as unknown. */
  constructor(options: unknown) {
    super(options as SentinelOptions);
  }

  override connect(...args: ConnectArgs): ReturnType<SentinelConnector['connect']> {
    const self = this as unknown as WithFailoverDetector;
    self.failoverDetector?.cleanup();
    self.failoverDetector = undefined;
    return super.connect(...args);
  }
}
