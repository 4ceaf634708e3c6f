import type { FastifyInstance } from 'fastify';
import { isRecord } from '../../../shared/is-record.js';
import { many, one, type Deps } from '../context.js';
import { keyedCall, type Keyed } from './calls.js';
import { payPage, type Choice, type Selection } from './pay-page.js';
import { accountingGet, accountingPost, seeOther, type Place, type Posted } from './shell.js';
import type { Invoice, Order, PaymentMethod, Prepaid } from './types.js';

// Paying a selection of invoices or an order: the page choosing the method, the payment sent to
// POST /1/accounts/{account}/payments with the form's idempotency key, then the payment's page.
// A refusal (a declined card, a prepaid balance too small) shows the page again with the same
// selection and the API's reason, to pay another way.

const idsIn = (values: string[]) => values.filter((v) => /^\d+$/.test(v));

function selectionOfQuery(p: Place): Selection {
  const q = isRecord(p.req.query) ? p.req.query : {};
  const order = typeof q.order === 'string' && /^\d+$/.test(q.order) ? q.order : '';
  return { invoiceIds: idsIn(many(q, 'invoice')), orderId: order };
}

async function selectedInvoices(p: Place, selection: Selection, order: Order | undefined): Promise<Invoice[]> {
  const base = `/1/accounts/${p.org.id}/invoices/`;
  const ids = order ? [String(order.invoice_id)] : selection.invoiceIds;
  const answers = await Promise.all(ids.map((id) => p.signed.api<Invoice>('GET', base + id)));
  return answers.flatMap((a) => (a.ok ? [a.data] : []));
}

async function showPay(p: Place, selection: Selection, choice: Choice, refused?: Keyed) {
  const account = `/1/accounts/${p.org.id}`;
  const [order, methods, prepaid] = await Promise.all([
    selection.orderId ? p.signed.api<Order>('GET', `${account}/orders/${selection.orderId}`) : undefined,
    p.signed.api<PaymentMethod[]>('GET', `${account}/payment_methods`),
    p.signed.api<Prepaid>('GET', `${account}/prepaid`),
  ]);
  const theOrder = order?.ok ? order.data : undefined;
  return payPage(p, {
    selection,
    choice,
    order: theOrder,
    invoices: await selectedInvoices(p, selection, theOrder),
    methods: methods.ok ? methods.data : [],
    prepaid: prepaid.ok ? prepaid.data : undefined,
    refused,
  });
}

/** The body of POST …/payments for what the form selected and chose. */
function paymentBody(selection: Selection, choice: Choice) {
  const [kind, savedId] = choice.method.split(':');
  return {
    ...(selection.orderId
      ? { order_id: Number(selection.orderId) }
      : { invoice_ids: selection.invoiceIds.map(Number) }),
    method: kind,
    ...(savedId ? { payment_method_id: Number(savedId) } : {}),
    ...(choice.usePrepaid ? { use_prepaid: true } : {}),
  };
}

async function pay(p: Posted) {
  const selection = {
    invoiceIds: idsIn(many(p.form, 'invoice_id')),
    orderId: idsIn([one(p.form, 'order_id')])[0] ?? '',
  };
  const choice = { method: one(p.form, 'method'), usePrepaid: one(p.form, 'use_prepaid') === '1' };
  const answer = await keyedCall(p.deps, p.req, {
    method: 'POST',
    url: `/1/accounts/${p.org.id}/payments`,
    body: paymentBody(selection, choice),
    key: one(p.form, 'key'),
  });
  if (answer.ok && typeof answer.data.id === 'number') return seeOther(p, `/payments/${answer.data.id}`);
  return showPay(p, selection, choice, answer);
}

export function payRoutes(app: FastifyInstance, deps: Deps) {
  accountingGet(app, deps, '/pay', (p) => showPay(p, selectionOfQuery(p), { method: '', usePrepaid: false }));
  accountingPost(app, deps, '/pay', pay);
}
