import { Ajv } from 'ajv';
import addFormatsPlugin from 'ajv-formats';
import type { TSchema } from 'typebox';
import { explainSchemaErrors } from './schema-errors.ts';

type AddFormats = (ajv: Ajv, formats: string[]) => Ajv;
// ajv-formats is CommonJS; under Node's ESM interop its function may arrive as `.default`.
const formatsModule = addFormatsPlugin as unknown as AddFormats & { default?: AddFormats };
const addFormats: AddFormats = formatsModule.default ?? formatsModule;

const ajv = new Ajv({ allErrors: false, strict: false, coerceTypes: false });
addFormats(ajv, ['email', 'date-time', 'uri']);

export type ValidationResult<T> =
  | { ok: true; value: T }
  | { ok: false; message: string; path: string };

/** Compiles a schema once; the returned function says what is wrong, where, and what is allowed. */
export function compileValidator<T>(schema: TSchema): (value: unknown) => ValidationResult<T> {
  const validate = ajv.compile(schema as object);
  return (value) => {
    if (validate(value)) return { ok: true, value: value as T };
    const { path, problem } = explainSchemaErrors(validate.errors ?? [], schema);
    return { ok: false, message: `${path} ${problem}`, path };
  };
}
