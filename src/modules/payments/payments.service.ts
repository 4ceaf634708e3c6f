import type { Db, Executor } from '../../db/database.js';
import type { Currency, PaymentMethodKind } from '../../db/types.js';
import { inTransaction } from '../../db/transaction.js';
import type { IdempotencyStep } from '../idempotency/index.js';
import { requireBilling } from '../accounts/index.js';
import { AppError, invalidField, notFound } from '../../shared/errors.js';
import { listParams } from '../../shared/pagination.js';
import { nowSeconds } from '../../shared/time.js';
import {
  chargeMethod,
  chargeLocks,
  chargesRepository,
  creditorReference,
  formatMoney,
  normalisePhone,
  payFromPrepaid,
  payFromPrepaidAtOnce,
  recordDecline,
  requirePostFinanceCurrency,
  settle,
  settleMarked,
  twintLabel,
  twintMethod,
  type NewPaymentMethod,
  type SettleWork,
  type Share,
  type PrepaidRows,
  type Trx,
} from '../charges/index.js';
import { PAYMENT_SORTABLE, paymentLocks, paymentsRepository, type PaymentsRepository } from './payments.repository.js';
import type { CreatePaymentInput, PaymentsQueryInput } from './payments.schemas.js';

type PaymentRow = NonNullable<Awaited<ReturnType<PaymentsRepository['find']>>>;

export const presentPayment = (p: PaymentRow, invoiceIds: number[]) => ({
  id: p.id,
  status: p.status,
  method: p.method,
  payment_method_id: p.payment_method_id,
  currency: p.currency,
  amount: Number(p.amount),
  prepaid_amount: Number(p.prepaid_amount),
  processor_reference: p.processor_reference,
  failure_code: p.failure_code,
  invoice_ids: invoiceIds,
  created_at: p.created_at,
});

/** What paying answers: the payment, with the bank reference of an IBAN transfer (proforma). */
export type CreatedPayment = ReturnType<typeof presentPayment> & { bank_reference: string | null; proforma: boolean };

/** The answer of a payment made now (not a transfer): no bank reference, not proforma. */
const paidAnswer = (p: PaymentRow, invoiceIds: number[]): CreatedPayment => ({
  ...presentPayment(p, invoiceIds),
  bank_reference: null,
  proforma: false,
});

/**
 * A method the payment can charge: a saved one, or a Twint profile given by its phone that is
 * not saved yet (`id` null, `unsaved` the row to save once the charge goes through).
 */
type ChargeableMethod = {
  id: number | null;
  kind: PaymentMethodKind;
  processor_token: string;
  unsaved?: NewPaymentMethod;
};

/** A payment being made, inside its transaction: the organisation and its invoices are locked. */
interface Draft {
  trx: Trx;
  userId: number;
  accountId: number;
  body: CreatePaymentInput;
  currency: Currency;
  /** The invoices paid, in id order, and what is due on each. */
  ids: number[];
  shares: Share[];
  due: number;
  /** What settling the invoices does beside marking them paid. */
  work: SettleWork;
  /** The prepaid balance, read with the locks when the payment takes from it. */
  balance: number;
  /** When the invoices are paid, if they are now. */
  now: number;
}

/** What the processor took for the part the prepaid account does not pay (nothing charged: succeeded, no reference). */
interface Charged {
  status: 'succeeded' | 'pending';
  reference: string | null;
  method: ChargeableMethod | undefined;
}

/** The `phone` of a Twint payment, normalised; refused with any other method or with a saved method. */
function twintPhoneOf(body: CreatePaymentInput): string | undefined {
  if (body.phone === undefined) return undefined;
  if (body.method !== 'twint')
    throw invalidField('phone', 'prohibited', 'phone pays by Twint: it is only accepted with method twint');
  if (body.payment_method_id !== undefined)
    throw invalidField('phone', 'prohibited', 'Give either payment_method_id or phone, not both');
  const phone = normalisePhone(body.phone);
  if (!phone) throw invalidField('phone', 'phone', 'A phone number in international form, e.g. +41 79 123 45 67');
  return phone;
}

/** The body's rules that need no data; answers the Twint phone, if any. */
function checkPaymentBody(body: CreatePaymentInput): string | undefined {
  if ((body.invoice_ids === undefined) === (body.order_id === undefined)) {
    throw invalidField('invoice_ids', 'required_without', 'Give exactly one of invoice_ids and order_id', [
      'invoice_ids',
      'order_id',
    ]);
  }
  if ((body.method === 'iban' || body.method === 'prepaid') && body.payment_method_id !== undefined) {
    throw invalidField('payment_method_id', 'prohibited', `A ${body.method} payment uses no saved method`);
  }
  const phone = twintPhoneOf(body);
  if (body.method === 'iban' && body.use_prepaid) {
    throw invalidField('use_prepaid', 'prohibited', 'An IBAN transfer cannot be combined with the prepaid account');
  }
  return phone;
}

/** The invoices as read with their lock (`invoicesToPay`), and the balance when it was asked for. */
interface LockedInvoice {
  id: number;
  status: string;
  total: number;
  paid: number | null;
  has_pending_order: unknown;
  renews: unknown;
  balance?: number | null;
}

/**
 * Checks the invoices are the organisation's and unpaid; answers each one's due, what settling
 * them does, and the prepaid balance (0 when not read).
 */
function unpaidShares(rows: LockedInvoice[], ids: number[]) {
  if (rows.length !== ids.length) throw notFound('Invoice');
  const notUnpaid = rows.filter((r) => r.status !== 'unpaid').map((r) => r.id);
  if (notUnpaid.length) {
    throw new AppError(
      'conflict_error',
      'These invoices are not awaiting payment (already paid, being paid or cancelled)',
      { invoice_ids: notUnpaid },
    );
  }
  return {
    shares: rows.map((r) => ({ invoice_id: r.id, amount: Math.max(0, Number(r.total) - Number(r.paid ?? 0)) })),
    work: {
      pendingOrders: rows.some((r) => Boolean(r.has_pending_order)),
      renewals: rows.some((r) => Boolean(r.renews)),
    },
    balance: Number(rows[0]?.balance ?? 0),
  };
}

/** Locks the invoices (one statement) and checks them: `unpaidShares`. */
async function lockUnpaid(trx: Trx, accountId: number, ids: number[], withBalance: boolean) {
  return unpaidShares(await chargeLocks(trx).invoicesToPay(accountId, ids, withBalance), ids);
}

/** 422 when the prepaid account does not cover what is due. */
function shortfall(balance: number, due: number, currency: Currency) {
  return new AppError(
    'validation_failed',
    `The prepaid account holds ${formatMoney(balance, currency)}, ${formatMoney(due - balance, currency)} short of ${formatMoney(due, currency)}`,
    { shortfall: due - balance, balance, due },
    [
      {
        code: 'validation_rule_prepaid_balance',
        description: 'The prepaid balance does not cover the invoices',
        context: { attribute: 'method' },
      },
    ],
  );
}

/** The invoices named, or the order's invoice (an order's invoice never changes: read before the locks). */
async function invoiceIdsOf(db: Executor, accountId: number, body: CreatePaymentInput): Promise<number[]> {
  if (body.order_id === undefined) return [...new Set(body.invoice_ids ?? [])].sort((a, b) => a - b);
  const order = await paymentsRepository(db).orderOf(accountId, body.order_id);
  if (!order) throw notFound('Order');
  return [order.invoice_id];
}

/**
 * Step 1: the organisation locked (first, as every payment), then its invoices. Payments of an
 * organisation queue on that lock: the order's invoice is read before it, and the invoices, what
 * was paid of them and the balance are one statement after it.
 */
async function openDraft(trx: Trx, userId: number, accountId: number, body: CreatePaymentInput): Promise<Draft> {
  const ids = await invoiceIdsOf(trx, accountId, body);
  const { currency } = await chargeLocks(trx).account(accountId);
  const withBalance = body.method === 'prepaid' || body.use_prepaid === true;
  const { shares, work, balance } = await lockUnpaid(trx, accountId, ids, withBalance);
  return {
    trx,
    userId,
    accountId,
    body,
    currency,
    ids,
    shares,
    due: shares.reduce((s, x) => s + x.amount, 0),
    work,
    balance,
    now: nowSeconds(),
  };
}

const paymentOf = (d: Draft) => ({
  account_id: d.accountId,
  method: d.body.method,
  currency: d.currency,
  amount: d.due,
  created_by_id: d.userId,
});

/** An IBAN transfer: a pending payment quoting a creditor reference, the invoices stay unpaid (proforma). */
async function payByTransfer(d: Draft): Promise<CreatedPayment> {
  const reference = creditorReference();
  const payment = await chargesRepository(d.trx).recordPayment({
    payment: {
      ...paymentOf(d),
      status: 'pending',
      payment_method_id: null,
      prepaid_amount: 0,
      processor_reference: reference,
      failure_code: null,
    },
    shares: d.shares,
    paidAt: d.now,
  });
  await paymentsRepository(d.trx).setBankReference(d.ids, reference);
  return { ...presentPayment(payment, d.ids), bank_reference: reference, proforma: true };
}

/** Step 2: what the prepaid account pays - everything (method prepaid, 422 when it falls short), what it holds (use_prepaid), or nothing. */
async function prepaidPart(d: Draft): Promise<number> {
  const { body, due, currency, balance } = d;
  if (body.method !== 'prepaid' && !body.use_prepaid) return 0;
  if (body.method !== 'prepaid') return Math.min(Math.max(balance, 0), due);
  if (balance < due) throw shortfall(balance, due, currency);
  return due;
}

/** The saved method named, the Twint profile of `phone` (saved or new), or the latest saved method of the kind. */
async function chosenMethod(
  d: Draft,
  kind: PaymentMethodKind,
  phone: string | undefined,
): Promise<ChargeableMethod | undefined> {
  const { trx, accountId, body } = d;
  const charges = chargesRepository(trx);
  if (body.payment_method_id !== undefined) {
    const saved = await charges.findMethod(accountId, body.payment_method_id);
    if (!saved) throw notFound('Payment method');
    return saved;
  }
  if (phone === undefined) return charges.latestMethodOfKind(accountId, kind);
  const known = await charges.methodByLabel(accountId, 'twint', twintLabel(phone));
  if (known) return known;
  const unsaved = twintMethod(accountId, phone);
  return { id: null, kind: 'twint', processor_token: unsaved.processor_token, unsaved };
}

/** Step 3: the method that pays the rest, checked against the body's kind. */
async function methodToCharge(d: Draft, kind: PaymentMethodKind, phone: string | undefined, rest: number) {
  requirePostFinanceCurrency(kind, d.currency, 'method');
  const method = await chosenMethod(d, kind, phone);
  if (!method && rest > 0) {
    throw invalidField(
      'payment_method_id',
      'required',
      `No saved ${kind} method: add one with POST /1/accounts/${d.accountId}/payment_methods`,
    );
  }
  if (method && method.kind !== kind) {
    throw invalidField(
      'payment_method_id',
      'kind',
      `Payment method ${method.id} is a ${method.kind} method, not ${kind}`,
      [kind],
    );
  }
  return method;
}

/** Step 4: the rest charged; a decline records its failed payment (the charges module's policy) and is the answer. */
async function chargeRest(d: Draft, method: ChargeableMethod, rest: number): Promise<Charged | AppError> {
  const outcome = chargeMethod(method, rest, d.currency);
  if (outcome.status === 'declined') {
    return (
      await recordDecline(d.trx, { ...paymentOf(d), payment_method_id: method.id, shares: d.shares }, outcome.decline)
    ).error;
  }
  // A Twint profile used by its phone is saved once the processor has taken the charge.
  const saved = method.unsaved
    ? { ...method, ...(await chargesRepository(d.trx).insertMethod(method.unsaved)) }
    : method;
  return { status: outcome.status, reference: outcome.reference, method: saved };
}

/**
 * Step 5: the payment row and its invoices; once the money is in, the prepaid part debited and
 * the invoices settled (one statement, then only what their orders and renewals need). A
 * pending charge records the prepaid part it planned (amount = charged + prepaid_amount) but
 * debits nothing: the debit belongs to the charge's success (pending-charges.ts).
 */
async function recordPaid(d: Draft, prepaid: number, charged: Charged): Promise<CreatedPayment> {
  const { trx, ids } = d;
  const payment = await chargesRepository(trx).recordPayment({
    payment: {
      ...paymentOf(d),
      status: charged.status,
      payment_method_id: charged.method?.id ?? null,
      prepaid_amount: prepaid,
      processor_reference: charged.reference,
      failure_code: null,
    },
    shares: d.shares,
    paidAt: d.now,
  });
  if (charged.status === 'succeeded') await settleMarked(trx, ids, d.now, charged.method, d.work);
  return paidAnswer(payment, ids);
}

/** Pays now: the prepaid part, then the method for the rest (none charged when the prepaid account pays it all). */
async function payNow(
  d: Draft,
  channel: PaymentMethodKind | 'prepaid',
  phone: string | undefined,
): Promise<CreatedPayment | AppError> {
  const prepaid = await prepaidPart(d);
  const rest = d.due - prepaid;
  const method = channel === 'prepaid' ? undefined : await methodToCharge(d, channel, phone, rest);
  const charged =
    method && rest > 0
      ? await chargeRest(d, method, rest)
      : { status: 'succeeded' as const, reference: null, method: undefined };
  if (charged instanceof AppError) return charged;
  return recordPaid(d, prepaid, charged);
}

/**
 * Pays from the prepaid account alone: the organisation locked, then one statement checks and
 * records it all (`payFromPrepaid`), so the lock is held for that statement and the commit. Its
 * refusals are the other methods', told from what the statement read.
 */
async function payAllFromPrepaid(trx: Trx, userId: number, accountId: number, body: CreatePaymentInput) {
  const ids = await invoiceIdsOf(trx, accountId, body);
  await chargeLocks(trx).account(accountId);
  const now = nowSeconds();
  const rows = await payFromPrepaid(trx, { accountId, userId, ids, paidAt: now });
  const { payment, work } = prepaidOutcome(rows, ids);
  // The statement records the payment exactly when the checks pass.
  if (!payment) throw new Error('The prepaid payment was not recorded although its checks passed');
  await settleMarked(trx, ids, now, undefined, work);
  return paidAnswer(payment, ids);
}

/**
 * Refuses what the prepaid statement refused (not the organisation's, not unpaid, short: in
 * the currency the statement read); answers the payment and what settling still does.
 */
function prepaidOutcome(rows: PrepaidRows, ids: number[]) {
  const { shares, work, balance } = unpaidShares(rows, ids);
  const due = shares.reduce((s, x) => s + x.amount, 0);
  if (balance < due) throw shortfall(balance, due, rows[0].currency);
  return { payment: rows[0]?.payment ?? undefined, work };
}

/**
 * Pays from the prepaid account in one message (the organisation locked, the statement, the
 * commit: `payFromPrepaidAtOnce`) when settling needs nothing beside marking the invoices
 * paid. Answers undefined when it does (an order to fulfil, a renewal to extend): the
 * transaction of `pay` does that.
 */
async function payFromPrepaidNow(db: Db, userId: number, accountId: number, body: CreatePaymentInput) {
  const ids = await invoiceIdsOf(db, accountId, body);
  const rows = await payFromPrepaidAtOnce(db, { accountId, userId, ids, paidAt: nowSeconds() });
  const { payment, work } = prepaidOutcome(rows, ids);
  if (payment) return paidAnswer(payment, ids);
  if (work.pendingOrders || work.renewals) return undefined;
  throw new Error('The prepaid payment was not recorded although its checks passed');
}

/** The transfer of a pending IBAN payment arrived: it succeeds, and pays its invoices or credits its deposit. */
async function transferArrived(trx: Trx, accountId: number, paymentId: number) {
  await chargeLocks(trx).account(accountId);
  const payments = paymentsRepository(trx);
  const payment = await paymentLocks(trx).payment(accountId, paymentId);
  if (!payment) throw notFound('Payment');
  if (payment.method !== 'iban' || payment.status !== 'pending') {
    throw new AppError('conflict_error', 'Only a pending IBAN payment can have its transfer recorded', {
      status: payment.status,
      method: payment.method,
    });
  }
  const ids = (await payments.shares(paymentId)).map((s) => s.invoice_id);
  await payments.setStatus(paymentId, 'succeeded');
  if (ids.length === 0) {
    // A payment without invoices is a deposit on the prepaid account (POST …/prepaid/credit).
    await chargesRepository(trx).insertLedger({
      account_id: accountId,
      amount: Number(payment.amount),
      currency: payment.currency,
      kind: 'credit',
      payment_id: paymentId,
      description: `Deposit by bank transfer ${payment.processor_reference}`,
    });
  } else {
    await lockUnpaid(trx, accountId, ids, false);
    await settle(trx, ids, nowSeconds());
  }
  return presentPayment({ ...payment, status: 'succeeded' }, ids);
}

/** A payment by the body's method, inside its transaction. */
async function pay(trx: Trx, userId: number, accountId: number, body: CreatePaymentInput, phone: string | undefined) {
  if (body.method === 'prepaid') return payAllFromPrepaid(trx, userId, accountId, body);
  const draft = await openDraft(trx, userId, accountId, body);
  return body.method === 'iban' ? payByTransfer(draft) : payNow(draft, body.method, phone);
}

export function paymentsService(db: Db) {
  const guard = (userId: number, accountId: number) => requireBilling(db, accountId, userId);

  return {
    guard,

    /** Pays invoices (the caller is already guarded). One transaction; a decline keeps only its failed row, then answers 402. */
    async create(userId: number, accountId: number, body: CreatePaymentInput, step?: IdempotencyStep<CreatedPayment>) {
      const phone = checkPaymentBody(body);
      // An idempotent payment records its answer in the same transaction: it takes that path. So
      // does an order's invoice, which always has its order to fulfil.
      const atOnce = body.method === 'prepaid' && !step && body.order_id === undefined;
      const paidNow = atOnce && (await payFromPrepaidNow(db, userId, accountId, body));
      if (paidNow) return paidNow;
      const outcome = await inTransaction(db, async (trx): Promise<CreatedPayment | AppError> => {
        await step?.claim(trx);
        const answer = await pay(trx, userId, accountId, body, phone);
        await step?.answer(trx, answer);
        return answer;
      });
      if (outcome instanceof AppError) throw outcome;
      return outcome;
    },

    /** Test mode: the bank transfer of a pending IBAN payment arrived (the caller is already guarded). */
    recordTransfer: (accountId: number, paymentId: number) =>
      inTransaction(db, (trx) => transferArrived(trx, accountId, paymentId)),

    async list(userId: number, accountId: number, q: PaymentsQueryInput) {
      await guard(userId, accountId);
      const payments = paymentsRepository(db);
      const params = listParams(q, PAYMENT_SORTABLE, [{ field: 'id', dir: 'desc' }]);
      const { items, total } = await payments.list(accountId, q.filter?.status ?? q.status, params);
      const links = await payments.invoiceIdsOf(items.map((p) => p.id));
      return { items: items.map((p) => presentPayment(p, links.get(p.id) ?? [])), total, params };
    },

    async get(userId: number, accountId: number, id: number) {
      await guard(userId, accountId);
      const payments = paymentsRepository(db);
      const p = await payments.find(accountId, id);
      if (!p) throw notFound('Payment');
      const links = await payments.invoiceIdsOf([id]);
      return presentPayment(p, links.get(id) ?? []);
    },
  };
}
