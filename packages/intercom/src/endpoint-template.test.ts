import { describe, expect, it } from 'vitest';
import { endpointTemplate } from './endpoint-template.ts';

describe('endpointTemplate', () => {
  it.each([
    ['/contacts', '/contacts'],
    ['/contacts/6762f0dd4a5b3c2e1f0a9b8c', '/contacts/{id}'],
    ['/contacts/6762f0dd4a5b3c2e1f0a9b8c/companies', '/contacts/{id}/companies'],
    ['/contacts/search', '/contacts/search'],
    ['/contacts/find_by_external_id/ada@example.com', '/contacts/find_by_external_id/{id}'],
    ['/conversations/123/reply', '/conversations/{id}/reply'],
    ['/me', '/me'],
  ])('%s → %s', (path, template) => {
    expect(endpointTemplate(path)).toBe(template);
  });
});
