import { type Static, Type } from 'typebox';

/** Intercom keeps at most 10 metadata keys per event. */
export const MAX_EVENT_METADATA_KEYS = 10;

/** One data event as the CRM sends it; the contact is named by its `external_id`. */
export const EventInput = Type.Object(
  {
    /** The CRM's id for the event; sending the same event twice then makes one. */
    id: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
    event_name: Type.String({ minLength: 1, maxLength: 255 }),
    external_id: Type.String({ minLength: 1, maxLength: 255 }),
    /** Unix time in seconds, as Intercom takes it. */
    created_at: Type.Integer({ minimum: 0, maximum: 32_503_680_000 }),
    metadata: Type.Optional(
      Type.Record(
        Type.String({ minLength: 1, maxLength: 255 }),
        Type.Union([Type.String({ maxLength: 65_535 }), Type.Number(), Type.Boolean()]),
        { maxProperties: MAX_EVENT_METADATA_KEYS },
      ),
    ),
  },
  { additionalProperties: false },
);
export type EventInput = Static<typeof EventInput>;

/** The batch envelope; items are validated one by one so one bad item rejects only itself. */
export const EventBatch = Type.Object(
  { events: Type.Array(Type.Unknown(), { minItems: 1, maxItems: 1_000 }) },
  { additionalProperties: false },
);
export type EventBatch = Static<typeof EventBatch>;

export type EventTrackJob = { event: EventInput; receivedAt: number };
