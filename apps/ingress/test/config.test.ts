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

describe('INTERCOM_STATUS_URL', () => {
  it("polls Intercom's public page by default; set empty it is off; a bad URL is refused", () => {
    expect(loadConfig(required).intercomStatusUrl).toBe(
      'https://www.intercomstatus.com/api/v2/status.json',
    );
    expect(loadConfig({ ...required, INTERCOM_STATUS_URL: '' }).intercomStatusUrl).toBe('');
    expect(
      loadConfig({ ...required, INTERCOM_STATUS_URL: 'http://sim:4010/status.json' })
        .intercomStatusUrl,
    ).toBe('http://sim:4010/status.json');
    expect(() => loadConfig({ ...required, INTERCOM_STATUS_URL: 'intercomstatus.com' })).toThrow(
      /INTERCOM_STATUS_URL must be a URL/,
    );
  });
});
