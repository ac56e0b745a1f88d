import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';

const required = { INTERCOM_CLIENT_SECRET: 'secret', CRM_API_TOKENS: 'crm-token' };

describe('CONTACT_CACHE_FRESH_MS', () => {
  it('defaults to 5 minutes, takes 0 (read through every time) up to a day, and refuses anything else', () => {
    expect(loadConfig(required).contactCacheFreshMs).toBe(300_000);
    expect(loadConfig({ ...required, CONTACT_CACHE_FRESH_MS: '0' }).contactCacheFreshMs).toBe(0);
    expect(
      loadConfig({ ...required, CONTACT_CACHE_FRESH_MS: '86400000' }).contactCacheFreshMs,
    ).toBe(86_400_000);
    expect(() => loadConfig({ ...required, CONTACT_CACHE_FRESH_MS: '-1' })).toThrow(
      /CONTACT_CACHE_FRESH_MS must be at least 0/,
    );
    expect(() => loadConfig({ ...required, CONTACT_CACHE_FRESH_MS: '86400001' })).toThrow(
      /CONTACT_CACHE_FRESH_MS must be at most 86400000/,
    );
    expect(() => loadConfig({ ...required, CONTACT_CACHE_FRESH_MS: '5m' })).toThrow(
      /CONTACT_CACHE_FRESH_MS must be a whole number/,
    );
  });
});
