import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { listResult } from '../../shared/pagination.js';
import { callerId as caller, ok } from '../../shared/reply.js';
import { envelope, listEnvelope } from '../../shared/schemas.js';
import {
  AccountParams,
  CreateOrderBody,
  InvoiceParams,
  InvoiceSchema,
  InvoicesQuery,
  OrderParams,
  OrderSchema,
  OrdersQuery,
  PriceSchema,
  PricesQuery,
} from './invoices.schemas.js';
import { invoicesService } from './invoices.service.js';

const config = { auth: { scopes: ['billing' as const] } };

const orderTags = ['Billing > Orders'];
const invoiceTags = ['Billing > Invoices'];

type App = Parameters<FastifyPluginAsyncTypebox>[0];
type Service = ReturnType<typeof invoicesService>;

/** The price list. */
function priceRoutes(app: App, service: Service) {
  app.get(
    '/1/billing/prices',
    {
      config,
      schema: {
        operationId: 'listPrices',
        tags: ['Billing > Prices'],
        summary: "The price list: each service's allowed periods and their price, per currency",
        querystring: PricesQuery,
        response: { 200: listEnvelope(PriceSchema) },
      },
    },
    async (req) => {
      const { items, total, params } = await service.listPrices(req.query);
      return listResult(items, total, params);
    },
  );
}

/** Orders. */
function orderRoutes(app: App, service: Service) {
  orderCreationRoutes(app, service);
  orderReadingRoutes(app, service);
}

/** Placing an order. */
function orderCreationRoutes(app: App, service: Service) {
  app.post(
    '/1/accounts/:account/orders',
    {
      config: {
        ...config,
        access: { min: 'billing' },
        activity: { action: 'order_created', target: { type: 'order', fromResponse: true } },
      },
      schema: {
        operationId: 'createOrder',
        tags: orderTags,
        summary: 'Order products: a pending order and its unpaid invoice (billing access required)',
        params: AccountParams,
        body: CreateOrderBody,
        response: { 201: envelope(OrderSchema) },
      },
    },
    async (req, reply) =>
      reply.status(201).send(ok(await service.createOrder(caller(req), req.params.account, req.body))),
  );
}

/** The organisation's orders: listing them and reading one. */
function orderReadingRoutes(app: App, service: Service) {
  app.get(
    '/1/accounts/:account/orders',
    {
      config: { ...config, access: { min: 'billing' } },
      schema: {
        operationId: 'listOrders',
        tags: orderTags,
        summary: "List the organisation's orders (billing access required)",
        params: AccountParams,
        querystring: OrdersQuery,
        response: { 200: listEnvelope(OrderSchema) },
      },
    },
    async (req) => {
      const { items, total, params } = await service.listOrders(caller(req), req.params.account, req.query);
      return listResult(items, total, params);
    },
  );

  app.get(
    '/1/accounts/:account/orders/:order',
    {
      config: { ...config, access: { min: 'billing' } },
      schema: {
        operationId: 'getOrder',
        tags: orderTags,
        summary: 'Get an order (billing access required)',
        params: OrderParams,
        response: { 200: envelope(OrderSchema) },
      },
    },
    async (req) => ok(await service.getOrder(caller(req), req.params.account, req.params.order)),
  );
}

/** Invoices and their PDF. */
function invoiceRoutes(app: App, service: Service) {
  invoiceReadingRoutes(app, service);
  invoicePdfRoutes(app, service);
}

/** The organisation's invoices: listing them and reading one. */
function invoiceReadingRoutes(app: App, service: Service) {
  app.get(
    '/1/accounts/:account/invoices',
    {
      config: { ...config, access: { min: 'billing' } },
      schema: {
        operationId: 'listInvoices',
        tags: invoiceTags,
        summary: "List the organisation's invoices (billing access required)",
        params: AccountParams,
        querystring: InvoicesQuery,
        response: { 200: listEnvelope(InvoiceSchema) },
      },
    },
    async (req) => {
      const { items, total, params } = await service.listInvoices(caller(req), req.params.account, req.query);
      return listResult(items, total, params);
    },
  );

  app.get(
    '/1/accounts/:account/invoices/:invoice',
    {
      config: { ...config, access: { min: 'billing' } },
      schema: {
        operationId: 'getInvoice',
        tags: invoiceTags,
        summary: 'Get an invoice with its lines (billing access required)',
        params: InvoiceParams,
        response: { 200: envelope(InvoiceSchema) },
      },
    },
    async (req) => ok(await service.getInvoice(caller(req), req.params.account, req.params.invoice)),
  );
}

/** An invoice as a PDF document. */
function invoicePdfRoutes(app: App, service: Service) {
  app.get(
    '/1/accounts/:account/invoices/:invoice/pdf',
    {
      config: { ...config, access: { min: 'billing' } },
      schema: {
        operationId: 'getInvoicePdf',
        tags: invoiceTags,
        summary: 'The invoice as a PDF document (billing access required)',
        params: InvoiceParams,
        response: {
          200: {
            description: 'The PDF, as an attachment named <number>.pdf',
            content: { 'application/pdf': { schema: Type.Unsafe<Buffer>({ type: 'string', format: 'binary' }) } },
          },
        },
      },
    },
    async (req, reply) => {
      const { number, pdf } = await service.invoicePdf(caller(req), req.params.account, req.params.invoice);
      return reply
        .type('application/pdf')
        .header('content-disposition', `attachment; filename=${number}.pdf`)
        .send(pdf);
    },
  );
}

export const invoicesRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const service = invoicesService(app.db);
  priceRoutes(app, service);
  orderRoutes(app, service);
  invoiceRoutes(app, service);
};
