import type { TSchema } from 'typebox';
import { describe, expect, it } from 'vitest';
import * as jobs from './index.ts';
import { compileValidator } from './validate.ts';

type Node = Record<string, unknown>;

/** Every schema the package exports (TypeBox objects), by name. */
const schemas = (Object.entries(jobs) as [string, unknown][]).filter(
  (entry): entry is [string, TSchema] =>
    typeof entry[1] === 'object' && entry[1] !== null && 'type' in entry[1],
);

/** A small value the node accepts. */
function validValue(node: Node): unknown {
  if ('const' in node) return node.const;
  if (Array.isArray(node.enum)) return node.enum[0];
  if (Array.isArray(node.anyOf)) return validValue(node.anyOf[0] as Node);
  switch (node.type) {
    case 'object': {
      const properties = (node.properties ?? {}) as Record<string, Node>;
      const required = (node.required ?? []) as string[];
      return Object.fromEntries(required.map((name) => [name, validValue(properties[name] ?? {})]));
    }
    case 'array':
      return Array.from({ length: Number(node.minItems ?? 0) }, () =>
        validValue((node.items ?? {}) as Node),
      );
    case 'string':
      if (node.format === 'email') return 'ada@example.com';
      if (node.format === 'date-time') return '2026-01-01T00:00:00Z';
      if (node.format === 'uri') return 'https://example.com';
      return 'x'.repeat(Math.max(Number(node.minLength ?? 1), 1));
    case 'integer':
    case 'number':
      return Number(node.minimum ?? 1);
    case 'boolean':
      return true;
    default:
      return null;
  }
}

type Choice = { at: string[]; node: Node };

/** Every const, enum and union in a schema, with the instance path that reaches it. */
function choicesIn(node: Node, at: string[] = []): Choice[] {
  const found: Choice[] = [];
  if ('const' in node || Array.isArray(node.enum) || Array.isArray(node.anyOf)) {
    found.push({ at, node });
    return found; // a union's branches are described through it
  }
  for (const [name, child] of Object.entries((node.properties ?? {}) as Record<string, Node>)) {
    found.push(...choicesIn(child, [...at, name]));
  }
  for (const child of Object.values((node.patternProperties ?? {}) as Record<string, Node>)) {
    found.push(...choicesIn(child, [...at, 'some_name']));
  }
  if (node.type === 'array' && node.items)
    found.push(...choicesIn(node.items as Node, [...at, '0']));
  return found;
}

/** What the message must name: each allowed constant, or each allowed type. */
function allowedWords(node: Node): string[] {
  if ('const' in node) return [JSON.stringify(node.const)];
  if (Array.isArray(node.enum)) return node.enum.map((value) => JSON.stringify(value));
  if (Array.isArray(node.anyOf)) return (node.anyOf as Node[]).flatMap(allowedWords);
  return [String(node.type)];
}

/** Sets `value` at `at`, creating the objects and arrays on the way. */
function withValueAt(base: unknown, at: string[], value: unknown): unknown {
  const [head, ...rest] = at;
  if (head === undefined) return value;
  const container = (base ?? (/^\d+$/.test(head) ? [] : {})) as Record<string, unknown>;
  const copy = Array.isArray(container) ? [...container] : { ...container };
  (copy as Record<string, unknown>)[head] = withValueAt(container[head], rest, value);
  return copy;
}

const cases = schemas.flatMap(([name, schema]) =>
  choicesIn(schema as unknown as Node).map((choice) => ({
    label: `${name}/${choice.at.join('/')}`,
    schema,
    choice,
  })),
);

describe('validation messages say what is allowed', () => {
  it('finds the schemas with choices (role, article state, attribute values, webhook type)', () => {
    expect(cases.map((c) => c.label)).toEqual(
      expect.arrayContaining([
        'ContactInput/role',
        'ContactInput/custom_attributes/some_name',
        'ArticleInput/state',
        'EventInput/metadata/some_name',
        'WebhookNotification/type',
      ]),
    );
  });

  it.each(cases)('$label: a value outside the choice names every allowed one', (c) => {
    const validate = compileValidator(c.schema);
    const base = validValue(c.schema as unknown as Node);
    expect(validate(base).ok, 'the generated base value is valid').toBe(true);

    for (const wrong of ['not-one-of-them', { an: 'object' }]) {
      const allowed = allowedWords(c.choice.node);
      // A string is allowed by some unions (attribute values): the object is the wrong one there.
      if (typeof wrong === 'string' && allowed.includes('string')) continue;
      const result = validate(withValueAt(base, c.choice.at, wrong));
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.path).toBe(`/${c.choice.at.join('/')}`);
      for (const word of allowed) expect(result.message).toContain(word);
      expect(result.message).not.toMatch(/equal to constant|allowed values|schema in anyOf/);
    }
  });

  it('words the common cases as a person would', () => {
    const contact = compileValidator(jobs.ContactInput);
    const message = (value: unknown) => {
      const result = contact(value);
      return result.ok ? '' : result.message;
    };
    expect(message({ external_id: 'a', role: 'admin' })).toBe('/role must be "user" or "lead"');
    expect(message({ external_id: 'a', role: 1 })).toBe('/role must be "user" or "lead"');
    expect(message({ external_id: 'a', custom_attributes: { seats: [] } })).toBe(
      '/custom_attributes/seats must be a string, a number, a boolean or null',
    );
    // A value of an allowed kind that breaks that kind's rule is told the rule.
    expect(message({ external_id: 'a', custom_attributes: { note: 'x'.repeat(65_536) } })).toBe(
      '/custom_attributes/note must NOT have more than 65535 characters',
    );
    expect(message({ external_id: 7 })).toBe('/external_id must be a string');
  });
});
