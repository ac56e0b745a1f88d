import { parsePrometheusText, type Sample } from '@relay/telemetry';

/** Every sample from the ingress and all workers' /metrics (a process that does not answer adds none). */
export async function scrape(urls: readonly string[]): Promise<Sample[]> {
  const texts = await Promise.all(
    urls.map(async (url) => {
      try {
        return await (await fetch(`${url}/metrics`)).text();
      } catch {
        return '';
      }
    }),
  );
  return texts.flatMap((text) => parsePrometheusText(text));
}
