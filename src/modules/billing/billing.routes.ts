import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { listResult } from '../../shared/pagination.js';
import { callerId as caller, ok } from '../../shared/reply.js';
import { envelope, errorResponses, listEnvelope, TrueEnvelope } from '../../shared/schemas.js';
import {
  AccountParams,
  CreatePaymentMethodBody,
  CreditBody,
  CreditSchema,
  PaymentMethodParams,
  PaymentMethodSchema,
  PaymentMethodsQuery,
  PrepaidSchema,
  PrepaidTransactionSchema,
  PrepaidTransactionsQuery,
} from './billing.schemas.js';
import { billingService } from './billing.service.js';
import { idempotencyHeader, idempotent } from '../idempotency/index.js';

const config = { auth: { scopes: ['billing' as const] } };
const tags = ['Billing'];

type App = Parameters<FastifyPluginAsyncTypebox>[0];
type Service = ReturnType<typeof billingService>;

/** The saved payment methods. */
function methodRoutes(app: App, service: Service) {
  methodListRoutes(app, service);
  methodCreationRoutes(app, service);
  methodDeletionRoutes(app, service);
}

/** Listing the saved payment methods. */
function methodListRoutes(app: App, service: Service) {
  app.get(
    '/1/accounts/:account/payment_methods',
    {
      config: { ...config, access: { min: 'billing' } },
      schema: {
        operationId: 'listPaymentMethods',
        tags,
        summary: 'List the saved payment methods (billing)',
        params: AccountParams,
        querystring: PaymentMethodsQuery,
        response: { 200: listEnvelope(PaymentMethodSchema) },
      },
    },
    async (req) => {
      const { items, total, params } = await service.listMethods(caller(req), req.params.account, req.query);
      return listResult(items, total, params);
    },
  );
}

/** Saving a payment method: a card, a Twint profile or another kind. */
function methodCreationRoutes(app: App, service: Service) {
  app.post(
    '/1/accounts/:account/payment_methods',
    {
      config: {
        ...config,
        access: { min: 'billing' },
        activity: { action: 'payment_method_added', target: { type: 'payment_method', fromResponse: true } },
      },
      schema: {
        operationId: 'createPaymentMethod',
        tags,
        summary:
          'Save a payment method: card (visa, mastercard, cb), postfinance (CHF only), twint or paypal (billing)',
        description:
          'Test numbers: 4242424242424242 and 5555555555554444 succeed, 4035501000000008 is a CB card, ' +
          '4000000000000002 is declined, 4000000000009995 has insufficient funds, 4000000000000259 stays pending, ' +
          '4000000000003063 is pending then succeeds 5 minutes later (mirror time), 4000000000003097 is pending then declined 5 minutes later. ' +
          'Twint +41790000002 / PayPal and PostFinance decline@example.test decline; +41790000259 / pending@example.test stay pending; ' +
          '+41790003063 / pending-succeeds@example.test succeed and +41790003097 / pending-declines@example.test are declined 5 minutes later.',
        params: AccountParams,
        headers: idempotencyHeader,
        body: CreatePaymentMethodBody,
        response: { 201: envelope(PaymentMethodSchema), ...errorResponses([409]) },
      },
    },
    async (req, reply) => {
      const account = req.params.account;
      await service.guard(caller(req), account);
      return idempotent(app.db, req, reply, account, 201, (step) => service.createMethod(account, req.body, step));
    },
  );
}

/** Deleting a saved payment method. */
function methodDeletionRoutes(app: App, service: Service) {
  app.delete(
    '/1/accounts/:account/payment_methods/:payment_method',
    {
      config: {
        ...config,
        access: { min: 'billing' },
        activity: { action: 'payment_method_removed', target: { type: 'payment_method', param: 'payment_method' } },
      },
      schema: {
        operationId: 'deletePaymentMethod',
        tags,
        summary: 'Remove a saved payment method (billing)',
        params: PaymentMethodParams,
        response: { 200: TrueEnvelope },
      },
    },
    async (req) => ok(await service.deleteMethod(caller(req), req.params.account, req.params.payment_method)),
  );
}

/** The prepaid account: balance, ledger, deposits. */
function prepaidRoutes(app: App, service: Service) {
  prepaidReadingRoutes(app, service);
  prepaidCreditRoutes(app, service);
}

/** The prepaid account: its balance and its transactions. */
function prepaidReadingRoutes(app: App, service: Service) {
  app.get(
    '/1/accounts/:account/prepaid',
    {
      config: { ...config, access: { min: 'billing' } },
      schema: {
        operationId: 'getPrepaidAccount',
        tags,
        summary: "The prepaid account's balance (billing)",
        params: AccountParams,
        response: { 200: envelope(PrepaidSchema) },
      },
    },
    async (req) => ok(await service.prepaid(caller(req), req.params.account)),
  );

  app.get(
    '/1/accounts/:account/prepaid/transactions',
    {
      config: { ...config, access: { min: 'billing' } },
      schema: {
        operationId: 'listPrepaidTransactions',
        tags,
        summary: "The prepaid account's ledger, newest first (billing)",
        params: AccountParams,
        querystring: PrepaidTransactionsQuery,
        response: { 200: listEnvelope(PrepaidTransactionSchema) },
      },
    },
    async (req) => {
      const { items, total, params } = await service.ledger(caller(req), req.params.account, req.query);
      return listResult(items, total, params);
    },
  );
}

/** Crediting the prepaid account. */
function prepaidCreditRoutes(app: App, service: Service) {
  app.post(
    '/1/accounts/:account/prepaid/credit',
    {
      config: {
        ...config,
        access: { min: 'billing' },
        activity: { action: 'prepaid_credited', target: { type: 'payment' } },
      },
      schema: {
        operationId: 'creditPrepaidAccount',
        tags,
        summary:
          'Deposit 0.10 to 9999 on the prepaid account by card, PostFinance (CHF only) or IBAN transfer (billing)',
        description:
          'A declined charge answers 402 payment_declined (the failed payment is kept, nothing is credited); ' +
          'a pending one and an IBAN transfer answer 201 with status pending and credit nothing yet.',
        params: AccountParams,
        headers: idempotencyHeader,
        body: CreditBody,
        response: { 201: envelope(CreditSchema), ...errorResponses([402, 409]) },
      },
    },
    async (req, reply) => {
      const account = req.params.account;
      const user = caller(req);
      await service.guard(user, account);
      return idempotent(app.db, req, reply, account, 201, (step) => service.credit(user, account, req.body, step));
    },
  );
}

export const billingRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const service = billingService(app.db);
  methodRoutes(app, service);
  prepaidRoutes(app, service);
};
