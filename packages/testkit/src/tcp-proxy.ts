import { createServer, type Server, type Socket, connect as tcpConnect } from 'node:net';

/**
 * - pass: bytes flow both ways (after `latencyMs`);
 * - blackhole: connections are accepted and held, nothing is forwarded or answered either way,
 *   as in a network partition (TCP keeps retransmitting); back in pass, what was held is
 *   delivered in order, as when the partition heals before TCP gives up;
 * - reset: every connection, open or new, is destroyed with a TCP RST.
 */
export type TcpProxyMode = 'pass' | 'blackhole' | 'reset';

export type TcpProxyOptions = {
  /** Where to forward: `{ host, port }`, or a URL such as `redis://127.0.0.1:6390`. */
  target: { host?: string; port: number } | string;
  /** @defaultValue 'pass' */
  mode?: TcpProxyMode;
  /** Delay added to every chunk, each direction. @defaultValue 0 */
  latencyMs?: number;
};

export type TcpProxy = {
  /** The target's URL with the proxy's port (`tcp://` for a `{ host, port }` target). */
  readonly url: string;
  readonly port: number;
  readonly mode: TcpProxyMode;
  latencyMs: number;
  setMode(mode: TcpProxyMode): void;
  /** Connections open through the proxy. */
  connections(): number;
  /** Stops listening and destroys every connection. */
  close(): Promise<void>;
};

/** A network fault injector of our own, for one target on 127.0.0.1 (no netem here). */
export async function createTcpProxy(options: TcpProxyOptions): Promise<TcpProxy> {
  const target = parseTarget(options.target);
  let mode: TcpProxyMode = options.mode ?? 'pass';
  const state = { latencyMs: options.latencyMs ?? 0 };
  const links = new Set<Link>();

  const server: Server = createServer((client) => {
    if (mode === 'reset') {
      client.on('error', () => {});
      client.resetAndDestroy();
      return;
    }
    const link = createLink(
      client,
      target,
      () => state.latencyMs,
      mode === 'blackhole',
      () => links.delete(link),
    );
    links.add(link);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;

  return {
    url: `${target.protocol}//127.0.0.1:${port}`,
    port,
    get mode() {
      return mode;
    },
    get latencyMs() {
      return state.latencyMs;
    },
    set latencyMs(ms: number) {
      state.latencyMs = ms;
    },
    setMode(next) {
      mode = next;
      for (const link of links) {
        if (next === 'reset') link.reset();
        else link.hold(next === 'blackhole');
      }
    },
    connections: () => links.size,
    async close() {
      for (const link of links) link.reset();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

type Target = { host: string; port: number; protocol: string };

function parseTarget(target: TcpProxyOptions['target']): Target {
  if (typeof target !== 'string') {
    return { host: target.host ?? '127.0.0.1', port: target.port, protocol: 'tcp:' };
  }
  const url = new URL(target);
  return { host: url.hostname, port: Number(url.port), protocol: url.protocol };
}

type Link = { hold(held: boolean): void; reset(): void };

/** One client connection and its upstream, opened on the first moment it is not held. */
function createLink(
  client: Socket,
  target: Target,
  latency: () => number,
  held: boolean,
  onClosed: () => void,
): Link {
  let upstream: Socket | undefined;
  let done = false;
  const toUpstream = createChannel(
    latency,
    (chunk) => upstream?.write(chunk),
    () => upstream?.end(),
  );
  const toClient = createChannel(
    latency,
    (chunk) => client.write(chunk),
    () => client.end(),
  );

  const finish = (how: 'destroy' | 'reset') => {
    if (done) return;
    done = true;
    toUpstream.stop();
    toClient.stop();
    for (const socket of [client, upstream]) {
      if (!socket || socket.destroyed) continue;
      if (how === 'reset') socket.resetAndDestroy();
      else socket.destroy();
    }
    onClosed();
  };

  function openUpstream() {
    if (upstream || done) return;
    const socket = tcpConnect(target.port, target.host);
    upstream = socket;
    socket.setNoDelay(true);
    socket.on('data', (chunk) => toClient.push(chunk));
    socket.on('end', () => toClient.end());
    socket.on('error', () => finish('reset'));
    socket.on('close', () => (client.destroyed ? finish('destroy') : toClient.end()));
    // Writes made before the connection is up are buffered by the socket itself.
  }

  client.setNoDelay(true);
  client.on('data', (chunk) => toUpstream.push(chunk));
  client.on('end', () => toUpstream.end());
  client.on('error', () => finish('reset'));
  // A clean close lets what is still delayed reach the target before it is closed too.
  client.on('close', () => {
    if (!upstream || upstream.destroyed) finish('destroy');
    else toUpstream.end();
  });

  const hold = (next: boolean) => {
    if (!next) openUpstream();
    toUpstream.hold(next);
    toClient.hold(next);
  };
  hold(held);
  return { hold, reset: () => finish('reset') };
}

/**
 * One direction of a link: chunks leave in order, each no earlier than `latency()` after it
 * arrived, and none while held.
 */
function createChannel(latency: () => number, write: (chunk: Buffer) => void, end: () => void) {
  const queue: { chunk: Buffer; due: number }[] = [];
  let held = false;
  let ended = false;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  const flush = () => {
    timer = undefined;
    if (held || stopped) return;
    const now = Date.now();
    while (queue.length > 0 && (queue[0]?.due ?? 0) <= now) {
      write((queue.shift() as { chunk: Buffer }).chunk);
    }
    if (queue.length > 0) {
      timer = setTimeout(flush, (queue[0]?.due ?? now) - now);
    } else if (ended) {
      end();
    }
  };
  const schedule = () => {
    if (timer || held || stopped) return;
    const wait = queue.length > 0 ? (queue[0]?.due ?? 0) - Date.now() : 0;
    if (wait <= 0) flush();
    else timer = setTimeout(flush, wait);
  };

  return {
    push(chunk: Buffer) {
      queue.push({ chunk, due: Date.now() + latency() });
      schedule();
    },
    end() {
      ended = true;
      schedule();
    },
    hold(next: boolean) {
      held = next;
      if (held && timer) {
        clearTimeout(timer);
        timer = undefined;
      }
      schedule();
    },
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
