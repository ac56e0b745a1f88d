import { Ajv, type ErrorObject } from 'ajv';
import addFormatsPlugin from 'ajv-formats';
import type { TSchema } from 'typebox';

type AddFormats = (ajv: Ajv, formats: string[]) => Ajv;
// ajv-formats is CommonJS; under Node's ESM interop its function may arrive as `.default`.
const formatsModule = addFormatsPlugin as unknown as AddFormats & { default?: AddFormats };
const addFormats: AddFormats = formatsModule.default ?? formatsModule;

const ajv = new Ajv({ allErrors: false, strict: false, coerceTypes: false });
addFormats(ajv, ['email', 'date-time', 'uri']);

export type ValidationResult<T> =
  | { ok: true; value: T }
  | { ok: false; message: string; path: string };

/** Compiles a schema once; the returned function says what is wrong and where. */
export function compileValidator<T>(schema: TSchema): (value: unknown) => ValidationResult<T> {
  const validate = ajv.compile(schema as object);
  return (value) => {
    if (validate(value)) return { ok: true, value: value as T };
    const error = validate.errors?.[0];
    return { ok: false, message: describe(error), path: error ? pathOf(error) : '' };
  };
}

function pathOf(error: ErrorObject): string {
  const base = error.instancePath;
  const extra =
    error.keyword === 'required'
      ? `/${(error.params as { missingProperty: string }).missingProperty}`
      : error.keyword === 'additionalProperties'
        ? `/${(error.params as { additionalProperty: string }).additionalProperty}`
        : '';
  return `${base}${extra}` || '/';
}

function describe(error: ErrorObject | undefined): string {
  if (!error) return 'is invalid';
  const at = pathOf(error);
  switch (error.keyword) {
    case 'required':
      return `${at} is required`;
    case 'additionalProperties':
      return `${at} is not a known field`;
    case 'format':
      return `${at} must be a valid ${(error.params as { format: string }).format}`;
    default:
      return `${at} ${error.message ?? 'is invalid'}`;
  }
}
