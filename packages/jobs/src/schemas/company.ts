import { type Static, Type } from 'typebox';

const AttributeValue = Type.Union([
  Type.String({ maxLength: 65_535 }),
  Type.Number(),
  Type.Boolean(),
  Type.Null(),
]);

/** One company as the CRM sends it: identified by the CRM's own id, `company_id`. */
export const CompanyInput = Type.Object(
  {
    company_id: Type.String({ minLength: 1, maxLength: 255 }),
    name: Type.Optional(Type.String({ maxLength: 255 })),
    plan: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
    website: Type.Optional(Type.String({ maxLength: 255 })),
    industry: Type.Optional(Type.String({ maxLength: 255 })),
    size: Type.Optional(Type.Integer({ minimum: 0 })),
    monthly_spend: Type.Optional(Type.Number({ minimum: 0 })),
    /** Unix seconds. */
    remote_created_at: Type.Optional(Type.Integer({ minimum: 0 })),
    custom_attributes: Type.Optional(
      Type.Record(Type.String({ minLength: 1, maxLength: 190 }), AttributeValue, {
        maxProperties: 100,
      }),
    ),
  },
  { additionalProperties: false },
);
export type CompanyInput = Static<typeof CompanyInput>;

/** The batch envelope; items are validated one by one so one bad item rejects only itself. */
export const CompanyBatch = Type.Object(
  { companies: Type.Array(Type.Unknown(), { minItems: 1, maxItems: 1_000 }) },
  { additionalProperties: false },
);
export type CompanyBatch = Static<typeof CompanyBatch>;

/** The company as pushed when the job was created; the worker syncs the latest pending data. */
export type CompanyUpsertJob = { company: CompanyInput; receivedAt: number };

/** The scheduled company sweep (BullMQ job scheduler); it carries no data. */
export type CompaniesReconcileJob = Record<string, never>;
