import { describe, expect, it } from 'vitest';
import { clusterSlot } from './cluster-slot.ts';

describe('clusterSlot', () => {
  it('hashes as Redis does (values from CLUSTER KEYSLOT of redis-server 7.0)', () => {
    expect(clusterSlot('foo')).toBe(12182);
    expect(clusterSlot('x')).toBe(16287);
    expect(clusterSlot('héllo')).toBe(11061);
    // The hash tag only, when the key has one.
    expect(clusterSlot('{user1000}.following')).toBe(3443);
    expect(clusterSlot('{relay}:replica-probe')).toBe(1341);
    expect(clusterSlot('{pt-1}:push:due')).toBe(4213);
  });
});
