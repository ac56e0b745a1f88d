import type { FastifyInstance } from 'fastify';
import { parameterInvalid, parameterNotFound } from '../http/intercom-error.ts';
import type { SimulatorState } from '../state.ts';
import type { AttributeModel, DataType } from './data-attribute.ts';

const models = new Set(['contact', 'company']);
const dataTypes = new Set(['string', 'integer', 'float', 'boolean', 'date', 'datetime']);

/** `GET /data_attributes` (names and types to validate against) and `POST /data_attributes`. */
export function registerDataAttributeRoutes(app: FastifyInstance, state: SimulatorState): void {
  app.get<{ Querystring: { model?: string; include_archived?: string } }>(
    '/data_attributes',
    async (request) => {
      const model = request.query.model ?? 'all';
      if (model !== 'all' && !models.has(model)) {
        if (model === 'conversation') return { type: 'list', data: [] };
        throw parameterInvalid('model must be contact, company or conversation');
      }
      const includeArchived = request.query.include_archived === 'true';
      const data = state.dataAttributes.list(model as AttributeModel | 'all', includeArchived);
      return { type: 'list', data };
    },
  );

  app.post('/data_attributes', async (request) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const { name, model, data_type: dataType, description } = body;
    if (typeof name !== 'string' || name === '') throw parameterNotFound('name is required');
    if (typeof model !== 'string' || !models.has(model)) {
      throw parameterInvalid('model must be contact or company');
    }
    if (typeof dataType !== 'string' || !dataTypes.has(dataType)) {
      throw parameterInvalid('data_type must be string, integer, float, boolean or date');
    }
    const type = (dataType === 'datetime' ? 'date' : dataType) as DataType;
    const text = typeof description === 'string' ? description : undefined;
    return state.dataAttributes.create(model as AttributeModel, name, type, text);
  });
}
