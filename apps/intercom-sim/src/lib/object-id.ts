import { randomBytes } from 'node:crypto';

/**
 * Makes 24-hex-char ids shaped like Intercom's (Mongo ObjectIds): 4 bytes of seconds, 5 random
 * bytes fixed per generator, 3 bytes of counter. Unique within a generator, sortable by time.
 */
export function createObjectIdGenerator(now: () => number): () => string {
  const middle = randomBytes(5).toString('hex');
  let counter = randomBytes(3).readUIntBE(0, 3);
  return () => {
    counter = (counter + 1) % 0x1000000;
    const seconds = Math.floor(now() / 1000) >>> 0;
    return seconds.toString(16).padStart(8, '0') + middle + counter.toString(16).padStart(6, '0');
  };
}
