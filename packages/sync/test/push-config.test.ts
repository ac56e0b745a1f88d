import { describe, expect, it } from 'vitest';
import { endpointUrlProblem, retryAfterMs } from '../src/feed/push/crm-endpoint.ts';
import { parseSigningSecrets, signatureHeader } from '../src/feed/push/webhook-signature.ts';

describe('the CRM endpoint URL', () => {
  it('takes https anywhere, and http only to this host or when allowed', () => {
    expect(endpointUrlProblem('https://crm.example.com/hooks', false)).toBeUndefined();
    expect(endpointUrlProblem('http://127.0.0.1:8080/hooks', false)).toBeUndefined();
    expect(endpointUrlProblem('http://localhost/hooks', false)).toBeUndefined();
    expect(endpointUrlProblem('http://crm.example.com/hooks', false)).toMatch(/must use https/);
    expect(endpointUrlProblem('http://crm.example.com/hooks', true)).toBeUndefined();
    expect(endpointUrlProblem('ftp://crm.example.com/', true)).toMatch(/must use https/);
    expect(endpointUrlProblem('not a url', false)).toMatch(/must be a URL/);
  });
});

describe('Retry-After', () => {
  it('reads seconds and HTTP dates; nothing else', () => {
    expect(retryAfterMs('120')).toBe(120_000);
    const now = Date.parse('2026-12-07T00:00:00Z');
    expect(retryAfterMs('Mon, 07 Dec 2026 00:00:30 GMT', now)).toBe(30_000);
    expect(retryAfterMs('Mon, 06 Dec 2026 00:00:30 GMT', now)).toBe(0);
    expect(retryAfterMs('soon')).toBeUndefined();
    expect(retryAfterMs(undefined)).toBeUndefined();
  });
});

describe('signing secrets', () => {
  const secret = `whsec_${Buffer.alloc(32, 3).toString('base64')}`;

  it('reads whsec_ secrets, newest first, and signs once per secret', () => {
    const keys = parseSigningSecrets(`${secret}, whsec_${Buffer.alloc(24, 4).toString('base64')}`);
    expect(keys.map((key) => key.symmetricKeySize)).toEqual([32, 24]);
    const header = signatureHeader(keys, 'chg_1-0', 1_700_000_000, '{}');
    expect(header.split(' ')).toHaveLength(2);
    expect(header).toMatch(/^v1,[A-Za-z0-9+/]+=* v1,[A-Za-z0-9+/]+=*$/);
  });

  it('refuses a secret without whsec_, a short one, and an empty setting, without echoing it', () => {
    expect(() => parseSigningSecrets('hunter2')).toThrow(/secret 1 of 1 must be whsec_/);
    expect(() => parseSigningSecrets(`whsec_${Buffer.alloc(8).toString('base64')}`)).toThrow(
      /24 to 64 bytes/,
    );
    expect(() => parseSigningSecrets(' , ')).toThrow(/is empty/);
    try {
      parseSigningSecrets('hunter2');
    } catch (error) {
      expect((error as Error).message).not.toContain('hunter2');
    }
  });
});
