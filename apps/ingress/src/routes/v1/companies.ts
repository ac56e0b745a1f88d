import { CompanyBatch, CompanyInput, compileValidator } from '@relay/jobs';
import type { Producer } from '@relay/jobs/queue';
import type { FastifyInstance } from 'fastify';
import { answerBatch, type BatchLane, BatchQuery } from './batch.ts';

export type CompanyRoutesDeps = { producer: Producer };

const validateCompany = compileValidator<CompanyInput>(CompanyInput);

/** POST /v1/companies: a batch of up to 1,000 companies to create or update by `company_id`. */
export async function companyRoutes(app: FastifyInstance, deps: CompanyRoutesDeps) {
  app.post<{ Body: CompanyBatch; Querystring: { lane?: BatchLane } }>(
    '/v1/companies',
    { schema: { body: CompanyBatch, querystring: BatchQuery }, bodyLimit: 16 * 1024 * 1024 },
    (request, reply) =>
      answerBatch(
        request,
        reply,
        { field: 'companies', items: request.body.companies },
        validateCompany,
        (companies) => deps.producer.enqueueCompanyUpserts(companies, request.query.lane ?? 'sync'),
      ),
  );
}
