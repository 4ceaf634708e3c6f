import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { callerId as caller, ok } from '../../shared/reply.js';
import { envelope, errorResponses } from '../../shared/schemas.js';
import { AccountParams, CreateRenewalBody, DueQuery, DueSchema, InvoiceSchema } from './due.schemas.js';
import { dueService } from './due.service.js';
import { idempotencyHeader, idempotent } from '../idempotency/index.js';

const config = { auth: { scopes: ['billing' as const] } };
const tags = ['Billing > Renewals'];

export const dueRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const service = dueService(app.db);

  app.get(
    '/1/accounts/:account/billing/due',
    {
      config: { ...config, access: { min: 'billing' } },
      schema: {
        operationId: 'getBillingDue',
        tags,
        summary:
          'What the organisation has to pay: unpaid invoices and products due for renewal with the price of each period (billing access required)',
        params: AccountParams,
        querystring: DueQuery,
        response: { 200: envelope(DueSchema) },
      },
    },
    async (req) => ok(await service.due(caller(req), req.params.account, req.query)),
  );

  app.post(
    '/1/accounts/:account/renewals',
    {
      config: {
        ...config,
        access: { min: 'billing' },
        activity: { action: 'invoice_generated', target: { type: 'invoice', fromResponse: true } },
      },
      schema: {
        operationId: 'createRenewal',
        tags,
        summary:
          'Renew products: one unpaid renewal invoice, a line per product; paying it extends each product (billing access required)',
        description:
          'A product has one renewal invoice per period (its current expiry): one whose period is already invoiced, by hand or by ' +
          'the renewal run, answers 409 conflict_error with context.product_ids and context.invoice_ids; once that invoice is paid the next period can be.',
        params: AccountParams,
        headers: idempotencyHeader,
        body: CreateRenewalBody,
        response: { 201: envelope(InvoiceSchema), ...errorResponses([409]) },
      },
    },
    async (req, reply) => {
      const account = req.params.account;
      await service.guard(caller(req), account);
      return idempotent(app.db, req, reply, account, 201, (step) => service.renew(account, req.body, step));
    },
  );
};
