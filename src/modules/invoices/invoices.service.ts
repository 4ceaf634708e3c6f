import type { Db } from '../../db/database.js';
import { inTransaction } from '../../db/transaction.js';
import { requireBilling } from '../accounts/index.js';
import { notFound, validationFailed } from '../../shared/errors.js';
import { listParams } from '../../shared/pagination.js';
import { nowSeconds } from '../../shared/time.js';
import {
  INVOICE_SORTABLE,
  invoiceLocks,
  invoicesRepository,
  ORDER_SORTABLE,
  PRICE_SORTABLE,
  type InvoicesRepository,
} from './invoices.repository.js';
import type { CreateOrderInput, InvoicesQueryInput, OrdersQueryInput, PricesQueryInput } from './invoices.schemas.js';
import { lineDescription, priceItems } from './pricing.js';
import { renderInvoicePdf } from './invoices.pdf.js';
import { issueInvoice } from './issue-invoice.js';

type InvoiceRow = NonNullable<Awaited<ReturnType<InvoicesRepository['findInvoice']>>>;

/** The invoice presenter (its lines, what was paid, its order); the renewals slice reuses it. */
export function presentInvoices(rows: InvoiceRow[]) {
  return rows.map((r) => {
    const amountPaid = Number(r.amount_paid);
    return {
      id: r.id,
      number: r.number,
      kind: r.kind,
      status: r.status,
      currency: r.currency,
      subtotal: Number(r.subtotal),
      vat_rate: r.vat_rate_bp / 100,
      vat_amount: Number(r.vat_amount),
      total: Number(r.total),
      amount_paid: amountPaid,
      amount_due: Math.max(0, Number(r.total) - amountPaid),
      issued_at: r.issued_at,
      due_at: r.due_at,
      paid_at: r.paid_at,
      lines: r.lines.map((l) => ({
        id: l.id,
        description: l.description,
        service_name: l.service_name,
        product_id: l.product_id,
        period_months: l.period_months,
        amount: Number(l.amount),
      })),
      order_id: r.order_id,
    };
  });
}

async function presentOrders(repo: InvoicesRepository, accountId: number, ids: number[]) {
  const [orders, items] = await Promise.all([repo.ordersByIds(accountId, ids), repo.itemsOf(ids)]);
  return orders.map((o) => ({
    id: o.id,
    status: o.status,
    invoice_id: o.invoice_id,
    total: Number(o.total),
    currency: o.currency,
    created_at: o.created_at,
    paid_at: o.paid_at,
    items: items
      .filter((i) => i.order_id === o.id)
      .map((i) => ({
        id: i.id,
        service_name: i.service_name,
        customer_name: i.customer_name,
        period_months: i.period_months,
        amount: Number(i.amount),
        product_id: i.product_id,
      })),
  }));
}

/** The price list. */
function pricesService(repo: InvoicesRepository) {
  return {
    async listPrices(q: PricesQueryInput) {
      const p = listParams(q, PRICE_SORTABLE, [
        { field: 'service_name', dir: 'asc' },
        { field: 'variant', dir: 'asc' },
        { field: 'currency', dir: 'asc' },
        { field: 'period_months', dir: 'asc' },
      ]);
      const f = { service_name: q.filter?.service_name ?? q.service_name, currency: q.filter?.currency ?? q.currency };
      const { rows, total } = await repo.listPrices(f, p);
      return { items: rows.map((r) => ({ ...r, amount: Number(r.amount) })), total, params: p };
    },
  };
}

/** A pending order, its items, its invoice and the invoice's lines, all or nothing; answers the order's id. */
async function placeOrder(db: Db, userId: number, accountId: number, body: CreateOrderInput) {
  return inTransaction(db, async (trx) => {
    const r = invoicesRepository(trx);
    const { currency } = await invoiceLocks(trx).currencyOf(accountId);
    const { lines, errors } = priceItems(body.items, await r.pricesIn(currency));
    if (errors.length) throw validationFailed(errors);

    const now = nowSeconds();
    const id = await issueInvoice(
      r,
      accountId,
      'order',
      currency,
      lines.map((l) => l.amount),
      now,
    );
    await r.insertLines(
      lines.map((l) => ({
        invoice_id: id,
        description: lineDescription(l),
        service_name: l.service_name,
        period_months: l.period_months,
        amount: l.amount,
      })),
    );
    const order = await r.insertOrder({
      account_id: accountId,
      invoice_id: id,
      created_by_id: userId,
      created_at: now,
    });
    await r.insertItems(
      lines.map((l) => ({
        order_id: order.id,
        service_name: l.service_name,
        customer_name: l.customer_name,
        period_months: l.period_months,
        amount: l.amount,
      })),
    );
    return order.id;
  });
}

function ordersService(db: Db, repo: InvoicesRepository) {
  return {
    /** A pending order, its items, its invoice and the invoice's lines, all or nothing. */
    async createOrder(userId: number, accountId: number, body: CreateOrderInput) {
      await requireBilling(db, accountId, userId);
      const orderId = await placeOrder(db, userId, accountId, body);
      // The order was just created in the transaction above: it is found.
      return (await presentOrders(repo, accountId, [orderId]))[0];
    },

    async listOrders(userId: number, accountId: number, q: OrdersQueryInput) {
      await requireBilling(db, accountId, userId);
      const p = listParams(q, ORDER_SORTABLE, [{ field: 'created_at', dir: 'desc' }]);
      const { rows, total } = await repo.listOrders(accountId, q.filter?.status ?? q.status, p);
      return {
        items: await presentOrders(
          repo,
          accountId,
          rows.map((r) => r.id),
        ),
        total,
        params: p,
      };
    },

    async getOrder(userId: number, accountId: number, orderId: number) {
      await requireBilling(db, accountId, userId);
      const [order] = await presentOrders(repo, accountId, [orderId]);
      if (!order) throw notFound('Order');
      return order;
    },
  };
}

function invoiceDocumentsService(db: Db, repo: InvoicesRepository) {
  async function loadInvoice(accountId: number, invoiceId: number) {
    const row = await repo.findInvoice(accountId, invoiceId);
    if (!row) throw notFound('Invoice');
    // One row presented, one invoice answered.
    return presentInvoices([row])[0];
  }

  return {
    async listInvoices(userId: number, accountId: number, q: InvoicesQueryInput) {
      await requireBilling(db, accountId, userId);
      const p = listParams(q, INVOICE_SORTABLE, [{ field: 'issued_at', dir: 'desc' }]);
      const f = {
        status: q.filter?.status ?? q.status,
        due_from: q.filter?.due_from ?? q.due_from,
        due_to: q.filter?.due_to ?? q.due_to,
      };
      const { rows, total } = await repo.listInvoices(accountId, f, p);
      return { items: presentInvoices(rows), total, params: p };
    },

    async getInvoice(userId: number, accountId: number, invoiceId: number) {
      await requireBilling(db, accountId, userId);
      return loadInvoice(accountId, invoiceId);
    },

    async invoicePdf(userId: number, accountId: number, invoiceId: number) {
      await requireBilling(db, accountId, userId);
      const invoice = await loadInvoice(accountId, invoiceId);
      const [account, address] = await Promise.all([repo.accountForPdf(accountId), repo.addressForPdf(accountId)]);
      return { number: invoice.number, pdf: await renderInvoicePdf(invoice, account, address) };
    },
  };
}

export function invoicesService(db: Db) {
  const repo = invoicesRepository(db);
  return { ...pricesService(repo), ...ordersService(db, repo), ...invoiceDocumentsService(db, repo) };
}
