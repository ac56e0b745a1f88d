import { hash } from 'node:crypto';

const BLOCK_BYTES = 64;
const DIGEST_BYTES = 20;
const INNER_PAD = 0x36;
const OUTER_PAD = 0x5c;
/** Bodies up to this size are copied into a buffer kept between calls; larger ones get their own. */
const KEPT_SCRATCH_BYTES = 64 * 1024;

/**
 * HMAC-SHA1 (RFC 2104) as lowercase hex, over one-shot `crypto.hash` calls, with the key's
 * padded blocks computed once: the same digest as `createHmac('sha1', key)`, at a little over
 * half its cost for a webhook-sized body (docs/benchmarks.md §5 has the figure). The body is copied behind the inner pad
 * in a buffer kept between calls, and the digests travel as hex strings, so a call makes no
 * buffer of its own (each one Node makes is an ArrayBuffer the garbage collector must sweep).
 */
export function hmacSha1Hex(key: string): (data: Buffer) => string {
  const given = Buffer.from(key, 'utf8');
  const block = given.length > BLOCK_BYTES ? hash('sha1', given, 'buffer') : given;
  const inner = Buffer.alloc(BLOCK_BYTES, INNER_PAD);
  const outer = Buffer.alloc(BLOCK_BYTES + DIGEST_BYTES, OUTER_PAD);
  for (let i = 0; i < block.length; i += 1) {
    inner[i] = (inner[i] as number) ^ (block[i] as number);
    outer[i] = (outer[i] as number) ^ (block[i] as number);
  }
  let scratch = Buffer.alloc(BLOCK_BYTES + 4096);
  inner.copy(scratch);
  return (data) => {
    const length = BLOCK_BYTES + data.length;
    let innerInput: Buffer;
    if (length <= scratch.length) {
      innerInput = scratch;
    } else if (length <= KEPT_SCRATCH_BYTES) {
      scratch = Buffer.alloc(length);
      inner.copy(scratch);
      innerInput = scratch;
    } else {
      innerInput = Buffer.alloc(length);
      inner.copy(innerInput);
    }
    data.copy(innerInput, BLOCK_BYTES);
    outer.write(hash('sha1', innerInput.subarray(0, length), 'hex'), BLOCK_BYTES, 'hex');
    return hash('sha1', outer, 'hex');
  };
}
