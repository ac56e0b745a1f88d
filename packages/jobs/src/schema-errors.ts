import type { ErrorObject } from 'ajv';

/** One of Ajv's errors (Fastify's validation errors have the same shape). */
export type SchemaError = Pick<
  ErrorObject,
  'keyword' | 'instancePath' | 'schemaPath' | 'params'
> & {
  message?: string | undefined;
};

/** Where a value broke its schema (a JSON pointer, `/` for the value itself) and how. */
export type SchemaProblem = { path: string; problem: string };

/** Keywords that say what kind of value a union's branch wants, rather than a rule it breaks. */
const KIND_KEYWORDS = new Set(['type', 'const', 'enum', 'anyOf', 'oneOf']);

/**
 * Ajv's errors for one failed value, as a caller can act on them: where, and what is allowed
 * there. A union (`anyOf`/`oneOf`: TypeBox's `Union` and `Literal`s) is described by what its
 * branches allow, `must be "user" or "lead"`, never by one branch's "must be equal to
 * constant". Validators run with `allErrors: false`, so the last error is the keyword that
 * failed; a union's own error comes after those of its branches. `schema`, the schema the
 * value was checked against, lets a union list its branches even where Ajv reported only a
 * type mismatch for them.
 */
export function explainSchemaErrors(
  errors: readonly SchemaError[],
  schema?: unknown,
): SchemaProblem {
  const failed = errors.at(-1);
  return failed ? explain(failed, errors, schema) : { path: '/', problem: 'is invalid' };
}

/** JSON pointer of the failing value; for a missing or unknown field, the field's. */
function pathOf(error: SchemaError): string {
  const params = error.params as { missingProperty?: string; additionalProperty?: string };
  const field =
    error.keyword === 'required'
      ? params.missingProperty
      : error.keyword === 'additionalProperties'
        ? params.additionalProperty
        : undefined;
  return `${error.instancePath}${field === undefined ? '' : `/${field}`}` || '/';
}

function explain(error: SchemaError, errors: readonly SchemaError[], schema: unknown) {
  const path = pathOf(error);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return { path, problem: 'is required' };
    case 'additionalProperties':
      return { path, problem: 'is not a known field' };
    case 'format':
      return { path, problem: `must be a valid ${String(params.format)}` };
    case 'const':
      return { path, problem: `must be ${show(params.allowedValue)}` };
    case 'enum':
      return { path, problem: `must be ${anyOf((params.allowedValues as unknown[]).map(show))}` };
    case 'type': {
      // A literal is a type and a constant ({ type: 'string', const: 'user' }): name the constant.
      const node = schemaAt(schema, error.schemaPath.replace(/\/type$/, ''));
      const allowed = node === undefined ? typeWords(params.type) : allowedBy(node);
      return { path, problem: `must be ${anyOf(allowed)}` };
    }
    case 'anyOf':
    case 'oneOf':
      return explainUnion(error, errors, schema);
    default:
      return { path, problem: error.message ?? 'is invalid' };
  }
}

function explainUnion(
  union: SchemaError,
  errors: readonly SchemaError[],
  schema: unknown,
): SchemaProblem {
  const path = pathOf(union);
  if ((union.params as { passingSchemas?: unknown }).passingSchemas) {
    return { path, problem: 'matches more than one of the allowed forms' };
  }
  const branches = errors.filter((error) => error.schemaPath.startsWith(`${union.schemaPath}/`));
  // A branch of the value's own kind that breaks one of its rules (a string too long) says
  // more than the list of kinds the union allows.
  const broken = branches.findLast((error) => !KIND_KEYWORDS.has(error.keyword));
  if (broken) return explain(broken, errors, schema);
  const node = schemaAt(schema, union.schemaPath);
  const allowed = Array.isArray(node)
    ? node.flatMap(allowedBy)
    : branches.flatMap((error) => explainedAllowed(error));
  return { path, problem: `must be ${anyOf([...new Set(allowed)])}` };
}

/** What a schema node allows, in words: `"user"`, `a string`, `null`. */
function allowedBy(node: unknown): string[] {
  if (typeof node !== 'object' || node === null) return [];
  const schema = node as Record<string, unknown>;
  if ('const' in schema) return [show(schema.const)];
  if (Array.isArray(schema.enum)) return schema.enum.map(show);
  const union = schema.anyOf ?? schema.oneOf;
  if (Array.isArray(union)) return union.flatMap(allowedBy);
  if (schema.type !== undefined) return typeWords(schema.type);
  return ['a valid value'];
}

/** Without the schema: what a branch's own error says it wanted. */
function explainedAllowed(error: SchemaError): string[] {
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'const') return [show(params.allowedValue)];
  if (error.keyword === 'enum') return (params.allowedValues as unknown[]).map(show);
  if (error.keyword === 'type') return typeWords(params.type);
  return [];
}

/** The node at an Ajv schemaPath (`#/properties/role/anyOf`), or undefined. */
function schemaAt(schema: unknown, schemaPath: string): unknown {
  if (!schemaPath.startsWith('#')) return undefined;
  let node = schema;
  for (const part of schemaPath.slice(1).split('/').slice(1)) {
    if (typeof node !== 'object' || node === null) return undefined;
    const key = decodeURIComponent(part.replaceAll('~1', '/').replaceAll('~0', '~'));
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

const TYPE_WORDS: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  integer: 'a whole number',
  boolean: 'a boolean',
  null: 'null',
  object: 'an object',
  array: 'an array',
};

function typeWords(type: unknown): string[] {
  const types = Array.isArray(type) ? type : String(type).split(',');
  return types.map((name) => TYPE_WORDS[String(name)] ?? String(name));
}

function show(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}

/** `a`, `a or b`, `a, b or c`. */
function anyOf(words: readonly string[]): string {
  if (words.length <= 1) return words[0] ?? 'a valid value';
  return `${words.slice(0, -1).join(', ')} or ${words.at(-1)}`;
}
