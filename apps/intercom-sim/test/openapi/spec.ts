import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import { parse } from 'yaml';

/**
 * Intercom's OpenAPI description (../shared/intercom/openapi-2.14.yaml). It is not in this
 * repository: tests that need it skip, and say so, when it is absent.
 */
export const specPath = fileURLToPath(
  new URL('../../../../../shared/intercom/openapi-2.14.yaml', import.meta.url),
);
export const haveSpec = existsSync(specPath);

type Schema = Record<string, unknown>;
type Operation = {
  operationId?: string;
  responses?: Record<string, { content?: Record<string, { schema?: Schema }> }>;
};
type Spec = { paths: Record<string, Record<string, Operation>>; components: Schema };

const httpMethods = new Set(['get', 'put', 'post', 'delete', 'patch']);

/** The spec's operations and an Ajv validator for their response schemas. */
export function loadSpec() {
  const spec = parse(readFileSync(specPath, 'utf8')) as Spec;
  const ajv = new Ajv({ strict: false, validateFormats: false, allErrors: true });
  ajv.addSchema({ $id: 'spec', components: toJsonSchema(spec.components) });
  const compiled = new Map<string, ValidateFunction | 'empty'>();

  function resolve(ref: string): Schema | undefined {
    let target: unknown = spec;
    for (const part of ref.replace(/^#\//, '').split('/')) {
      target = (target as Record<string, unknown> | undefined)?.[part];
    }
    return target as Schema | undefined;
  }

  /** Property names of a schema, through `$ref`s and `allOf`. */
  function propertiesOf(schema: Schema | undefined): string[] {
    if (!schema) return [];
    if (typeof schema.$ref === 'string') return propertiesOf(resolve(schema.$ref));
    const parts = Array.isArray(schema.allOf) ? (schema.allOf as Schema[]) : [];
    const own = Object.keys((schema.properties as Schema | undefined) ?? {});
    return [...new Set([...own, ...parts.flatMap(propertiesOf)])];
  }

  function operation(method: string, template: string): Operation | undefined {
    const op = spec.paths[template]?.[method.toLowerCase()];
    return httpMethods.has(method.toLowerCase()) ? op : undefined;
  }

  return {
    operation,
    /** The statuses the spec documents for an operation, as numbers. */
    documentedStatuses(method: string, template: string): number[] {
      return Object.keys(operation(method, template)?.responses ?? {}).map(Number);
    },
    /**
     * The top-level properties the schema of a documented answer lists. The spec marks few of
     * them required, so schema validation alone would accept an answer missing a whole list.
     */
    topLevelProperties(method: string, template: string, status: number): string[] {
      const response = operation(method, template)?.responses?.[String(status)];
      return propertiesOf(response?.content?.['application/json']?.schema);
    },
    /**
     * How to check one answer: the documented schema; for an undocumented error status,
     * Intercom's error envelope; `'empty'` when the spec documents the status with no body.
     * An undocumented success status is a mistake in the test, so it throws.
     */
    expectation(method: string, template: string, status: number): ValidateFunction | 'empty' {
      const key = `${method} ${template} ${status}`;
      const cached = compiled.get(key);
      if (cached) return cached;
      const response = operation(method, template)?.responses?.[String(status)];
      if (!response && status < 400) throw new Error(`the spec does not document ${key}`);
      const schema = response
        ? response.content?.['application/json']?.schema
        : { $ref: '#/components/schemas/error' };
      const expected = schema ? ajv.compile(toJsonSchema(schema) as Schema) : 'empty';
      compiled.set(key, expected);
      return expected;
    },
  };
}

export type LoadedSpec = ReturnType<typeof loadSpec>;

/** OpenAPI 3.0 → JSON Schema: refs point into the registered spec; `nullable` admits null. */
function toJsonSchema(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toJsonSchema);
  if (typeof value !== 'object' || value === null) return value;
  const { nullable, ...rest } = value as Record<string, unknown>;
  const converted = Object.fromEntries(
    Object.entries(rest).map(([key, inner]) => [
      key,
      key === '$ref' && typeof inner === 'string' && inner.startsWith('#/')
        ? `spec${inner}`
        : toJsonSchema(inner),
    ]),
  );
  return nullable === true ? { anyOf: [converted, { type: 'null' }] } : converted;
}

/** Fastify's `/contacts/:contact_id` as the spec writes it: `/contacts/{contact_id}`. */
export function specTemplate(routeUrl: string): string {
  return routeUrl.replace(/:(\w+)/g, '{$1}');
}
