/**
 * A data attribute as `GET /data_attributes` shows it, and the shapes that define one: the
 * standard list, the registry, the routes and the simulator's options all use these.
 */
export type DataType = 'string' | 'integer' | 'float' | 'boolean' | 'date';
export type AttributeModel = 'contact' | 'company';

export type CustomAttributeDefinition = {
  model?: AttributeModel;
  name: string;
  dataType: DataType;
};

export type DataAttribute = {
  type: 'data_attribute';
  id: number | null;
  model: AttributeModel;
  name: string;
  full_name: string;
  label: string;
  description: string;
  data_type: DataType;
  api_writable: boolean;
  ui_writable: boolean;
  messenger_writable: boolean;
  custom: boolean;
  archived: boolean;
  created_at?: number;
  updated_at?: number;
  /** The teammate who created a custom attribute (the token's owner). */
  admin_id?: string;
};
