import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { listResult } from '../../shared/pagination.js';
import { principalOf } from '../../shared/principal.js';
import { listEnvelope } from '../../shared/schemas.js';
import { AccountParams, AccountProductsQuery, ProductSchema, ProductsQuery } from './products.schemas.js';
import { productsService } from './products.service.js';

const config = { auth: { scopes: ['accounts' as const] } };
const tags = ['Products'];
const response = { 200: listEnvelope(ProductSchema) };

type App = Parameters<FastifyPluginAsyncTypebox>[0];
type Service = ReturnType<typeof productsService>;

export const productsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const service = productsService(app.db);

  callerProductRoutes(app, service);
  accountProductRoutes(app, service);
};

/** The products the caller holds a right on: everywhere, and in their chosen organisation. */
function callerProductRoutes(app: App, service: Service) {
  app.get(
    '/1/products',
    {
      config: { ...config, access: { min: 'member', scoped: false } },
      schema: {
        operationId: 'listProducts',
        tags,
        summary: 'Every product the caller holds a right on, across their organisations',
        querystring: ProductsQuery,
        response,
      },
    },
    async (req) => {
      const r = await service.all(principalOf(req).user.id, req.query);
      return listResult(r.items, r.total, r.params);
    },
  );

  // A static segment beats a parameter in Fastify's router, so `current` never reaches `:account_id`.
  app.get(
    '/1/accounts/current/products',
    {
      config: { ...config, access: { min: 'member', scoped: false } },
      schema: {
        operationId: 'listCurrentAccountProducts',
        tags,
        summary: "Products of the organisation chosen in the caller's preferences",
        querystring: AccountProductsQuery,
        response,
      },
    },
    async (req) => {
      const r = await service.forCurrentAccount(principalOf(req).user, req.query);
      return listResult(r.items, r.total, r.params);
    },
  );
}

/** The products of one organisation. */
function accountProductRoutes(app: App, service: Service) {
  // Clients written for upstream still call the legacy singular path; both answer alike.
  for (const [url, operationId] of [
    ['/1/accounts/:account_id/products', 'listAccountProducts'],
    ['/1/account/:account_id/product', 'listAccountProductsAlias'],
  ] as const) {
    app.get(
      url,
      {
        config: { ...config, access: { min: 'member' } },
        schema: {
          operationId,
          tags,
          summary:
            url === '/1/account/:account_id/product'
              ? 'Products of an organisation (legacy singular alias of /1/accounts/{account_id}/products)'
              : 'Products of an organisation: all for its owners and administrators, those with a right for other members',
          params: AccountParams,
          querystring: AccountProductsQuery,
          response,
        },
      },
      async (req) => {
        const r = await service.forAccount(principalOf(req).user.id, req.params.account_id, req.query);
        return listResult(r.items, r.total, r.params);
      },
    );
  }
}
