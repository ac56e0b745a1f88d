import { simAdmin } from '../admins/sim-admin.ts';
import { IntercomHttpError, parameterInvalid } from '../http/intercom-error.ts';
import type {
  AttributeModel,
  CustomAttributeDefinition,
  DataAttribute,
  DataType,
} from './data-attribute.ts';
import { standardAttributes } from './standard-attributes.ts';

export type RegistryOptions = {
  definitions: CustomAttributeDefinition[];
  /** Refuse custom attributes nobody created (Intercom does); else create them on first write. */
  strict: boolean;
  now: () => number;
};

/** Standard and custom data attributes, and the check every custom attribute write goes through. */
export function createDataAttributeRegistry(options: RegistryOptions) {
  const custom = new Map<string, DataAttribute>();
  let lastId = 12_000;

  function define(model: AttributeModel, name: string, dataType: DataType, description = '') {
    const at = Math.floor(options.now() / 1000);
    const attribute: DataAttribute = {
      type: 'data_attribute',
      id: ++lastId,
      model,
      name,
      full_name: `custom_attributes.${name}`,
      label: name,
      description,
      data_type: dataType,
      api_writable: true,
      ui_writable: true,
      messenger_writable: false,
      custom: true,
      archived: false,
      created_at: at,
      updated_at: at,
      admin_id: simAdmin.id,
    };
    custom.set(`${model}:${name}`, attribute);
    return attribute;
  }

  function loadDefinitions() {
    for (const d of options.definitions) define(d.model ?? 'contact', d.name, d.dataType);
  }
  loadDefinitions();

  return {
    list(model: AttributeModel | 'all', includeArchived: boolean): DataAttribute[] {
      const models: AttributeModel[] = model === 'all' ? ['contact', 'company'] : [model];
      return models.flatMap((m) => [
        ...standardAttributes[m].map(([name, dataType]) => standardView(m, name, dataType)),
        ...[...custom.values()].filter((a) => a.model === m && (includeArchived || !a.archived)),
      ]);
    },
    /** `POST /data_attributes`. */
    create(model: AttributeModel, name: string, dataType: DataType, description?: string) {
      if (custom.has(`${model}:${name}`) || standardAttributes[model].some(([n]) => n === name)) {
        throw parameterInvalid(`You already have '${name}' in your workspace`);
      }
      return define(model, name, dataType, description);
    },
    /** Throws the 400 Intercom gives for an unknown or mistyped custom attribute. */
    checkWrite(model: AttributeModel, values: Readonly<Record<string, unknown>> | undefined) {
      for (const [name, value] of Object.entries(values ?? {})) {
        const known = custom.get(`${model}:${name}`);
        if (!known) {
          if (options.strict) {
            const message = `Custom attribute '${name}' does not exist`;
            throw new IntercomHttpError(400, 'parameter_not_found', message);
          }
          define(model, name, inferType(value));
          continue;
        }
        if (value !== null && !fits(value, known.data_type)) {
          throw parameterInvalid(`Custom attribute '${name}' must be of type ${known.data_type}`);
        }
      }
    },
    clear() {
      custom.clear();
      lastId = 12_000;
      loadDefinitions();
    },
  };
}

function standardView(model: AttributeModel, name: string, dataType: DataType): DataAttribute {
  return {
    type: 'data_attribute',
    // The spec types `id` as an integer; standard attributes get a stable one from their name.
    id: standardId(model, name),
    model,
    name,
    full_name: name,
    label: name,
    description: '',
    data_type: dataType,
    api_writable: true,
    ui_writable: false,
    messenger_writable: false,
    custom: false,
    archived: false,
  };
}

function inferType(value: unknown): DataType {
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'float';
  return 'string';
}

function fits(value: unknown, dataType: DataType): boolean {
  switch (dataType) {
    case 'string':
      return typeof value === 'string';
    case 'integer':
    case 'date':
      return Number.isInteger(value);
    case 'float':
      return typeof value === 'number';
    case 'boolean':
      return typeof value === 'boolean';
  }
}

function standardId(model: string, name: string): number {
  let hash = 0;
  for (const char of `${model}.${name}`) hash = (hash * 31 + (char.codePointAt(0) ?? 0)) >>> 0;
  return 1_000_000 + (hash % 1_000_000);
}
