import { describe, expect, it } from 'vitest';
import { redactEmail, tokenFingerprint } from './redact.ts';

describe('redaction', () => {
  it('keeps an email’s first letter and domain only', () => {
    expect(redactEmail('ada.lovelace@example.com')).toBe('a***@example.com');
    expect(redactEmail('no-at-sign')).toBe('***');
    expect(redactEmail(null)).toBe('(none)');
  });

  it('shows at most 4 characters and the length of a token, none of a short one', () => {
    const token = 'dG9rOmFiY2RlZmdoaWprbG1ub3BxcnN0dXZ3eHl6';
    expect(tokenFingerprint(token)).toBe(`dG9r… (${token.length} chars)`);
    expect(tokenFingerprint('sim-token')).toBe('(9 chars)');
  });
});
