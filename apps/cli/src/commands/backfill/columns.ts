import { UsageError } from '../../errors.ts';

const FIELDS = ['external_id', 'email', 'name', 'phone', 'role'] as const;
const TYPES = ['string', 'number', 'boolean', 'date'] as const;
type AttributeType = (typeof TYPES)[number] | 'auto';

type Column =
  | { kind: 'field'; name: string }
  | { kind: 'attribute'; name: string; type: AttributeType };

export type RowMapper = (
  fields: string[],
) => { contact: Record<string, unknown> } | { error: string };

/**
 * Reads the CSV header: `external_id,email,name,phone,role` and `custom_attributes.<name>`,
 * optionally typed `custom_attributes.<name>:string|number|boolean|date`. Without a type,
 * a whole or decimal number becomes a number and true/false a boolean (what Intercom's
 * integer, float and boolean attributes want); `:string` keeps digits as text. An empty cell
 * leaves the field out. A header the ingress would refuse is a usage error before any row
 * is sent.
 */
export function mapperForHeader(header: string[]): RowMapper {
  const columns = header.map((raw): Column => {
    const text = raw.trim();
    if ((FIELDS as readonly string[]).includes(text)) return { kind: 'field', name: text };
    const match = /^custom_attributes\.([^:]+)(?::(\w+))?$/.exec(text);
    if (match) {
      const type = (match[2] ?? 'auto') as AttributeType;
      if (type !== 'auto' && !(TYPES as readonly string[]).includes(type)) {
        throw new UsageError(`CSV column "${text}": type must be one of ${TYPES.join(', ')}`);
      }
      return { kind: 'attribute', name: match[1] as string, type };
    }
    throw new UsageError(
      `CSV column "${text}" is not one of ${FIELDS.join(', ')} or custom_attributes.<name>`,
    );
  });
  if (!columns.some((column) => column.kind === 'field' && column.name === 'external_id')) {
    throw new UsageError('the CSV needs an external_id column (contacts are upserted by it)');
  }

  // The CSV reader has already refused a row whose field count differs from the header's.
  return (fields) => {
    const contact: Record<string, unknown> = {};
    const attributes: Record<string, unknown> = {};
    for (const [i, column] of columns.entries()) {
      const cell = fields[i] ?? '';
      if (cell === '') continue;
      if (column.kind === 'field') {
        contact[column.name] = cell;
        continue;
      }
      const value = convert(cell, column.type);
      if (value === undefined)
        return { error: `custom_attributes.${column.name} is not a ${column.type}` };
      attributes[column.name] = value;
    }
    if (Object.keys(attributes).length > 0) contact.custom_attributes = attributes;
    return { contact };
  };
}

const NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?$/;

function convert(cell: string, type: AttributeType): string | number | boolean | undefined {
  switch (type) {
    case 'string':
      return cell;
    case 'number':
      return NUMBER.test(cell.trim()) ? Number(cell) : undefined;
    case 'boolean':
      return cell === 'true' ? true : cell === 'false' ? false : undefined;
    case 'date': {
      if (/^\d+$/.test(cell)) return Number(cell);
      const ms = Date.parse(cell);
      return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
    }
    default:
      if (NUMBER.test(cell) && Number.isSafeInteger(Math.trunc(Number(cell)))) return Number(cell);
      if (cell === 'true' || cell === 'false') return cell === 'true';
      return cell;
  }
}
