import type { Writable } from 'node:stream';
import { ExitCode } from '../../errors.ts';

/**
 * Ctrl-C (or SIGTERM) once: finish the batch in flight, record it, stop. Twice: quit now
 * (the batch in flight is then sent again on resume).
 */
export function catchInterrupt(stderr: Writable) {
  const controller = new AbortController();
  const handler = () => {
    if (controller.signal.aborted) process.exit(ExitCode.interrupted);
    stderr.write(
      '\nstopping after the batch in flight is acknowledged (Ctrl-C again to quit now)\n',
    );
    controller.abort();
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    signal: controller.signal,
    dispose() {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}
