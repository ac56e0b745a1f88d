import { AppError, isAppError } from '@relay/errors';
import type { IntercomClient } from '@relay/intercom';
import type { EventTrackJob } from '@relay/jobs';

export type EventTrackDeps = { intercom: IntercomClient };

export type EventTrackResult = { tracked: true };

/**
 * Sends a data event. The job id is derived from the event, so a re-sent event never makes a
 * second job; a job that runs twice (a crash after the call) sends an identical event, which
 * Intercom takes as the same one. A 404 means the contact is not in Intercom yet (an event
 * pushed with its contact can run first): retried with backoff, not failed.
 */
export async function eventTrack(
  job: EventTrackJob,
  deps: EventTrackDeps,
): Promise<EventTrackResult> {
  const { event } = job;
  try {
    await deps.intercom.trackEvent({
      externalId: event.external_id,
      name: event.event_name,
      createdAt: event.created_at,
      metadata: event.metadata,
    });
  } catch (error) {
    if (isAppError(error) && error.status === 404) {
      throw new AppError('INTERCOM_CONTACT_MISSING', 'the event’s contact is not in Intercom yet', {
        cause: error,
        status: 404,
        requestId: error.requestId,
      });
    }
    throw error;
  }
  return { tracked: true };
}
