import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { listResult } from '../../shared/pagination.js';
import { callerId as caller, ok } from '../../shared/reply.js';
import { envelope, errorResponses, listEnvelope } from '../../shared/schemas.js';
import {
  AccountParams,
  CreatePaymentBody,
  CreatedPaymentSchema,
  PaymentParams,
  PaymentSchema,
  PaymentsQuery,
} from './payments.schemas.js';
import { paymentsService } from './payments.service.js';
import { idempotencyHeader, idempotent } from '../idempotency/index.js';

const config = { auth: { scopes: ['billing' as const] } };
const tags = ['Billing'];

type App = Parameters<FastifyPluginAsyncTypebox>[0];
type Service = ReturnType<typeof paymentsService>;

/** Paying invoices. */
function payingRoutes(app: App, service: Service) {
  app.post(
    '/1/accounts/:account/payments',
    {
      config: {
        ...config,
        // Paying changes no membership: the caller's is read with the token.
        access: { min: 'billing', membershipWithToken: true },
        activity: { action: 'invoice_paid', target: { type: 'payment', fromResponse: true } },
      },
      schema: {
        operationId: 'createPayment',
        tags,
        summary:
          "Pay unpaid invoices (or an order's invoice) by a saved method, the prepaid account, or IBAN transfer (billing)",
        description:
          'Exactly one of invoice_ids and order_id. use_prepaid takes the prepaid balance first; method prepaid must cover ' +
          'everything (422 with context.shortfall otherwise). A decline answers 402 payment_declined and changes nothing but a failed ' +
          'payment row; an invoice that is not unpaid answers 409 conflict_error. An IBAN transfer answers a pending payment with its ' +
          'bank_reference (proforma: the invoices stay unpaid until the transfer is recorded).',
        params: AccountParams,
        headers: idempotencyHeader,
        body: CreatePaymentBody,
        response: { 201: envelope(CreatedPaymentSchema), ...errorResponses([402, 409]) },
      },
    },
    async (req, reply) => {
      const account = req.params.account;
      const user = caller(req);
      await service.guard(user, account);
      return idempotent(app.db, req, reply, account, 201, (step) => service.create(user, account, req.body, step));
    },
  );
}

/** The payments made, and (test mode) the arrival of an IBAN transfer. */
function listingRoutes(app: App, service: Service) {
  paymentReadingRoutes(app, service);
  transferRecordingRoutes(app, service);
}

/** The organisation's payments: listing them and reading one. */
function paymentReadingRoutes(app: App, service: Service) {
  app.get(
    '/1/accounts/:account/payments',
    {
      config: { ...config, access: { min: 'billing' } },
      schema: {
        operationId: 'listPayments',
        tags,
        summary: "The organisation's payments, newest first; filter by status (billing)",
        params: AccountParams,
        querystring: PaymentsQuery,
        response: { 200: listEnvelope(PaymentSchema) },
      },
    },
    async (req) => {
      const { items, total, params } = await service.list(caller(req), req.params.account, req.query);
      return listResult(items, total, params);
    },
  );

  app.get(
    '/1/accounts/:account/payments/:payment',
    {
      config: { ...config, access: { min: 'billing' } },
      schema: {
        operationId: 'getPayment',
        tags,
        summary: 'One payment (billing)',
        params: PaymentParams,
        response: { 200: envelope(PaymentSchema) },
      },
    },
    async (req) => ok(await service.get(caller(req), req.params.account, req.params.payment)),
  );
}

/** Recording a bank transfer against a payment. */
function transferRecordingRoutes(app: App, service: Service) {
  app.post(
    '/1/accounts/:account/payments/:payment/record_transfer',
    {
      config: {
        ...config,
        access: { min: 'billing' },
        activity: { action: 'invoice_paid', target: { type: 'payment', param: 'payment' } },
      },
      schema: {
        operationId: 'recordPaymentTransfer',
        tags,
        summary: 'Test mode: the transfer of a pending IBAN payment arrived; pays its invoices (billing)',
        description:
          'Simulates the bank: the payment succeeds and its invoices are paid (orders fulfilled) in one transaction. ' +
          'Only a pending IBAN payment (409 conflict_error otherwise).',
        params: PaymentParams,
        response: { 200: envelope(PaymentSchema), ...errorResponses([409]) },
      },
    },
    async (req) => {
      await service.guard(caller(req), req.params.account);
      return ok(await service.recordTransfer(req.params.account, req.params.payment));
    },
  );
}

export const paymentsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const service = paymentsService(app.db);
  payingRoutes(app, service);
  listingRoutes(app, service);
};
