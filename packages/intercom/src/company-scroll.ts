import { AppError } from '@relay/errors';
import type { IntercomClient as Sdk } from 'intercom-client';
import type { Send } from './client-types.ts';

type Company = Record<string, unknown> & { id: string };

function intercomCodeOf(error: AppError): unknown {
  const details = error.details as { intercomCode?: unknown } | undefined;
  return details?.intercomCode;
}

/** What a refused scroll call means for the job that made it. */
function scrollError(error: unknown, continuing: boolean): unknown {
  if (!(error instanceof AppError)) return error;
  if (error.status === 400 && intercomCodeOf(error) === 'scroll_exists') {
    return new AppError('INTERCOM_SCROLL_BUSY', 'another company scroll of this app is open', {
      cause: error,
      requestId: error.requestId,
      status: error.status,
    });
  }
  if (continuing && error.status === 404) {
    // Unused for a minute (the budget held the next page back): only a new scroll goes on.
    return new AppError('INTERCOM_UNAVAILABLE', 'the company scroll expired between pages', {
      cause: error,
      requestId: error.requestId,
      status: error.status,
    });
  }
  return error;
}

/** `GET /companies/scroll`: the only way to walk every company (see scrollCompanies). */
export function companyScrollCalls(sdk: Sdk, read: Send) {
  return {
    /**
     * Every company of the workspace, page by page, as an async iterator; each page is its
     * own read (its own permit). Intercom allows one open scroll per app: another open one is
     * INTERCOM_SCROLL_BUSY. A scroll unused for a minute expires, so take each page promptly.
     */
    async *scrollCompanies(): AsyncGenerator<Company> {
      let scrollParam: string | undefined;
      for (;;) {
        const continuing = scrollParam !== undefined;
        const request = continuing ? { scroll_param: scrollParam } : {};
        const page = await read(() => sdk.companies.scroll(request)).catch((error: unknown) => {
          throw scrollError(error, continuing);
        });
        // The empty page is the end (and closes the scroll at Intercom).
        if (page.data.length === 0) return;
        for (const company of page.data) yield company as unknown as Company;
        scrollParam = page.response?.scroll_param ?? undefined;
        if (!scrollParam) return;
      }
    },
  };
}
