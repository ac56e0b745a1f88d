import { AppError } from '@relay/errors';
import { describe, expect, it } from 'vitest';
import { LightHeaders, LightResponse } from './light-response.ts';
import { createSdkFetcher } from './sdk-fetcher.ts';

type Sent = { url: string; init: RequestInit };

/** A fetch that records what it was asked and answers `status` with `text`. */
function answering(status: number, text: string, sent: Sent[] = []): typeof fetch {
  return (async (url: string, init: RequestInit) => {
    sent.push({ url, init });
    return new LightResponse({
      status,
      statusText: '',
      headers: new LightHeaders(new Map([['content-type', 'application/json']])),
      url,
      text,
    });
  }) as unknown as typeof fetch;
}

const args = {
  url: 'http://sim/contacts',
  method: 'POST',
  contentType: 'application/json',
  requestType: 'json' as const,
  body: { external_id: 'crm-1' },
  timeoutMs: 1_000,
};

describe('the SDK fetcher', () => {
  it('sends JSON with the SDK’s headers (suppliers resolved, empty ones left out) and its query string', async () => {
    const sent: Sent[] = [];
    const fetcher = createSdkFetcher(answering(200, '{"type":"contact","id":"c1"}', sent));
    const result = await fetcher({
      ...args,
      headers: { Authorization: async () => 'Bearer t', 'Intercom-Version': '2.14', Empty: null },
      queryParameters: { per_page: 50, starting_after: 'a b', tags: ['x', 'y'], filter: { n: 1 } },
    });
    expect(result).toMatchObject({ ok: true, body: { id: 'c1' }, rawResponse: { status: 200 } });
    expect(sent[0]?.url).toBe(
      'http://sim/contacts?per_page=50&starting_after=a%20b&tags=x&tags=y&filter%5Bn%5D=1',
    );
    expect(sent[0]?.init.headers).toEqual({
      accept: 'application/json',
      'content-type': 'application/json',
      authorization: 'Bearer t',
      'intercom-version': '2.14',
    });
    expect(sent[0]?.init.body).toBe('{"external_id":"crm-1"}');
  });

  it('answers an error status with Intercom’s envelope, and a garbled success as non-JSON', async () => {
    const rejected = await createSdkFetcher(
      answering(422, '{"type":"error.list","request_id":"r1","errors":[]}'),
    )(args);
    expect(rejected).toMatchObject({
      ok: false,
      error: { reason: 'status-code', statusCode: 422, body: { request_id: 'r1' } },
    });
    const garbled = await createSdkFetcher(answering(200, '{"type":'))(args);
    expect(garbled).toMatchObject({ ok: false, error: { reason: 'non-json', statusCode: 200 } });
  });

  it('gives up at the timeout, and passes a call guard’s refusal through as it is', async () => {
    const never = ((_url: string, init: RequestInit) =>
      new Promise((_resolve, reject) => {
        init.signal?.addEventListener('abort', () =>
          reject(Object.assign(new Error('aborted'), { name: 'AbortError' })),
        );
      })) as unknown as typeof fetch;
    expect(await createSdkFetcher(never)({ ...args, timeoutMs: 20 })).toMatchObject({
      ok: false,
      error: { reason: 'timeout' },
    });
    const refusal = new AppError('INTERCOM_RATE_LIMITED', 'rate budget spent for this window', {
      retryAfterMs: 500,
    });
    const refusing = (async () => {
      throw refusal;
    }) as unknown as typeof fetch;
    await expect(createSdkFetcher(refusing)(args)).rejects.toBe(refusal);
  });
});
