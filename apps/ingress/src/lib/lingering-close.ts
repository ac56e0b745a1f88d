import type { IncomingMessage } from 'node:http';

export type DrainLimits = {
  /** Bytes read and discarded after the answer, at most. */
  maxBytes: number;
  /** How long the rest of the body may take to arrive after the answer, at most. */
  maxMs: number;
};

/** How often a lingering connection checks what it has read. */
const CHECK_MS = 50;

/**
 * Makes the close of `request`'s connection wait until the rest of its body has arrived.
 *
 * Node closes a `Connection: close` socket as soon as the answer is written
 * (`socket.destroySoon()`). A client still sending its body then writes into a closed socket,
 * and the kernel answers with a reset, which can reach the client before it has read the
 * answer: curl and fetch saw EPIPE/ECONNRESET instead of a 413, and a CRM retried the batch
 * for ever. Here, as a web server's "lingering close", the close waits while Node reads and
 * discards the body, until it has all arrived, `limits.maxBytes` have been read or
 * `limits.maxMs` have passed (then the connection is dropped: a client sending that much
 * more, or that slowly, is not waiting for an answer).
 */
export function closeAfterBody(request: IncomingMessage, limits: DrainLimits): void {
  const socket = request.socket;
  const closeNow = socket.destroySoon;
  socket.destroySoon = function lingeringClose() {
    socket.destroySoon = closeNow;
    if (request.complete || socket.destroyed) {
      closeNow.call(socket);
      return;
    }
    const readBefore = socket.bytesRead;
    const stop = () => {
      clearInterval(check);
      clearTimeout(deadline);
      request.off('end', whenComplete);
      socket.off('close', stop);
    };
    const whenComplete = () => {
      stop();
      closeNow.call(socket);
    };
    const giveUp = () => {
      stop();
      socket.destroy();
    };
    const check = setInterval(() => {
      if (request.complete) whenComplete();
      else if (socket.bytesRead - readBefore > limits.maxBytes) giveUp();
    }, CHECK_MS).unref();
    const deadline = setTimeout(giveUp, limits.maxMs).unref();
    request.once('end', whenComplete);
    socket.once('close', stop);
  };
}
