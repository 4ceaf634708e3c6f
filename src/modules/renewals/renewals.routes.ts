import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { listResult } from '../../shared/pagination.js';
import { callerId as caller, ok } from '../../shared/reply.js';
import { envelope, listEnvelope } from '../../shared/schemas.js';
import {
  AccountParams,
  AttemptsQuery,
  AutoRenewalQuery,
  AutoRenewalSchema,
  BulkAutoRenewalBody,
  BulkResultSchema,
  ProductParams,
  RenewalAttemptSchema,
  SetAutoRenewalBody,
} from './renewals.schemas.js';
import { autoRenewalAction } from './renewals.activity.js';
import { renewalsService } from './renewals.service.js';

const config = { auth: { scopes: ['billing' as const] } };
const tags = ['Billing > Auto-renewal'];

type App = Parameters<FastifyPluginAsyncTypebox>[0];
type Service = ReturnType<typeof renewalsService>;

/** The per-product setting and its bulk switch-off. */
function settingRoutes(app: App, service: Service) {
  settingReadingRoutes(app, service);
  switchOffRoutes(app, service);
}

/** The products' auto-renewal settings, and switching one product's. */
function settingReadingRoutes(app: App, service: Service) {
  app.get(
    '/1/accounts/:account/auto_renewal',
    {
      config: { ...config, access: { min: 'billing' } },
      schema: {
        operationId: 'listAutoRenewal',
        tags,
        summary:
          'The products with their auto-renewal state, method, period and next attempt; soonest expiry first (billing access required)',
        params: AccountParams,
        querystring: AutoRenewalQuery,
        response: { 200: listEnvelope(AutoRenewalSchema) },
      },
    },
    async (req) => {
      const { items, total, params } = await service.list(caller(req), req.params.account, req.query);
      return listResult(items, total, params);
    },
  );

  app.put(
    '/1/accounts/:account/products/:product/auto_renewal',
    {
      config: {
        ...config,
        access: { min: 'billing' },
        activity: { action: autoRenewalAction, target: { type: 'product', param: 'product' } },
      },
      schema: {
        operationId: 'setProductAutoRenewal',
        tags,
        summary: 'Switch auto-renewal on or off for one product (billing access required)',
        description:
          "Switching on needs a saved card (CB, Visa, Mastercard) or Twint: payment_method_id, else the product's method, " +
          'else the latest such method (422 validation_rule_auto_renewal_method otherwise). It is refused less than 14 days before ' +
          "expiry (422 validation_rule_auto_renewal_too_late): renew by hand first. period_months is one of the product's renewal periods " +
          '(default the shortest). Paying an order or a renewal with a card or Twint switches it on by itself.',
        params: ProductParams,
        body: SetAutoRenewalBody,
        response: { 200: envelope(AutoRenewalSchema) },
      },
    },
    async (req) => {
      await service.guard(caller(req), req.params.account);
      return ok(await service.set(req.params.account, req.params.product, req.body));
    },
  );
}

/** Switching auto-renewal off. */
function switchOffRoutes(app: App, service: Service) {
  app.post(
    '/1/accounts/:account/auto_renewal',
    {
      config: { ...config, access: { min: 'billing' }, activity: { action: 'auto_renewal_disabled' } },
      schema: {
        operationId: 'switchOffAutoRenewal',
        tags,
        summary:
          'Switch auto-renewal off for a selection of products, or all of them, at once; all or nothing (billing access required)',
        description:
          'Exactly one of product_ids and all. An unknown product id is 404 and changes nothing. Answers the products that were on.',
        params: AccountParams,
        body: BulkAutoRenewalBody,
        response: { 200: envelope(BulkResultSchema) },
      },
    },
    async (req) => {
      await service.guard(caller(req), req.params.account);
      return ok(await service.switchOff(req.params.account, req.body));
    },
  );
}

/** The renewal run's attempts. */
function attemptRoutes(app: App, service: Service) {
  app.get(
    '/1/accounts/:account/renewal_attempts',
    {
      config: { ...config, access: { min: 'billing' } },
      schema: {
        operationId: 'listRenewalAttempts',
        tags,
        summary:
          'Every attempt of the renewal run, success or failure, newest first; filter by product and status (billing access required)',
        params: AccountParams,
        querystring: AttemptsQuery,
        response: { 200: listEnvelope(RenewalAttemptSchema) },
      },
    },
    async (req) => {
      const { items, total, params } = await service.attempts(caller(req), req.params.account, req.query);
      return listResult(items, total, params);
    },
  );
}

export const renewalsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const service = renewalsService(app.db);
  settingRoutes(app, service);
  attemptRoutes(app, service);
};
