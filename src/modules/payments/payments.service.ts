import type { Db } from '../../db/database.js';
import type { PaymentMethodKind } from '../../db/types.js';
import { inTransaction } from '../../db/transaction.js';
import type { IdempotencyStep } from '../idempotency/index.js';
import { requireBilling } from '../accounts/index.js';
import { AppError, invalidField, notFound } from '../../shared/errors.js';
import { listParams } from '../../shared/pagination.js';
import { nowSeconds } from '../../shared/time.js';
import { billingRepository as billing, type NewPaymentMethod } from '../billing/billing.repository.js';
import { creditorReference, formatMoney, normalisePhone, twintLabel, twintMethod } from '../billing/billing.service.js';
import { charge, ProcessorDecline } from '../billing/processor.js';
import { supportsAutoRenewal, switchOnAfterPayment } from '../renewals/switch-on.js';
import { PAYMENT_SORTABLE, paymentsRepository as repo, type Trx } from './payments.repository.js';
import { settle } from './settle.js';
import type { CreatePaymentInput, PaymentsQueryInput } from './payments.schemas.js';

type PaymentRow = NonNullable<Awaited<ReturnType<typeof repo.find>>>;

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

class Declined extends Error {
  constructor(
    readonly decline: ProcessorDecline,
    readonly row: { method: CreatePaymentInput['method']; payment_method_id: number | null; currency: 'EUR' | 'CHF'; amount: number; shares: { invoice_id: number; amount: number }[] },
  ) {
    super(decline.message);
  }
}

/**
 * A method the payment can charge: a saved one, or a Twint profile given by its phone that is
 * not saved yet (`id` null, `unsaved` the row to save once the charge goes through).
 */
type ChargeableMethod = { id: number | null; kind: PaymentMethodKind; processor_token: string; unsaved?: NewPaymentMethod };

/** The `phone` of a Twint payment, normalised; refused with any other method or with a saved method. */
function twintPhoneOf(body: CreatePaymentInput): string | undefined {
  if (body.phone === undefined) return undefined;
  if (body.method !== 'twint') throw invalidField('phone', 'prohibited', 'phone pays by Twint: it is only accepted with method twint');
  if (body.payment_method_id !== undefined) throw invalidField('phone', 'prohibited', 'Give either payment_method_id or phone, not both');
  const phone = normalisePhone(body.phone);
  if (!phone) throw invalidField('phone', 'phone', 'A phone number in international form, e.g. +41 79 123 45 67');
  return phone;
}

/** The saved method named, the Twint profile of `phone` (saved or new), or the latest saved method of the kind. */
async function chosenMethod(trx: Trx, accountId: number, kind: PaymentMethodKind, id: number | undefined, phone: string | undefined): Promise<ChargeableMethod | undefined> {
  if (id !== undefined) {
    const saved = await billing.findMethod(trx, accountId, id);
    if (!saved) throw notFound('Payment method');
    return saved;
  }
  if (phone === undefined) return billing.latestMethodOfKind(trx, accountId, kind);
  const known = await billing.methodByLabel(trx, accountId, 'twint', twintLabel(phone));
  if (known) return known;
  const unsaved = twintMethod(accountId, phone);
  return { id: null, kind: 'twint', processor_token: unsaved.processor_token, unsaved };
}

export function paymentsService(db: Db) {
  const guard = (userId: number, accountId: number) => requireBilling(db, accountId, userId);

  /** Locks the invoices and checks they are the organisation's and unpaid; answers each one's due. */
  async function lockUnpaid(trx: Trx, accountId: number, ids: number[]) {
    const rows = await repo.lockInvoices(trx, accountId, ids);
    if (rows.length !== ids.length) throw notFound('Invoice');
    const notUnpaid = rows.filter((r) => r.status !== 'unpaid').map((r) => r.id);
    if (notUnpaid.length) {
      throw new AppError('conflict_error', 'These invoices are not awaiting payment (already paid, being paid or cancelled)', { invoice_ids: notUnpaid });
    }
    const paid = await repo.paidOf(trx, ids);
    return rows.map((r) => ({ invoice_id: r.id, amount: Math.max(0, Number(r.total) - (paid.get(r.id) ?? 0)) }));
  }

  return {
    guard,

    /** Pays invoices (the caller is already guarded). One transaction; a decline keeps only its failed row. */
    async create(userId: number, accountId: number, body: CreatePaymentInput, step?: IdempotencyStep<CreatedPayment>) {
      if ((body.invoice_ids === undefined) === (body.order_id === undefined)) {
        throw invalidField('invoice_ids', 'required_without', 'Give exactly one of invoice_ids and order_id', ['invoice_ids', 'order_id']);
      }
      if ((body.method === 'iban' || body.method === 'prepaid') && body.payment_method_id !== undefined) {
        throw invalidField('payment_method_id', 'prohibited', `A ${body.method} payment uses no saved method`);
      }
      const phone = twintPhoneOf(body);
      if (body.method === 'iban' && body.use_prepaid) {
        throw invalidField('use_prepaid', 'prohibited', 'An IBAN transfer cannot be combined with the prepaid account');
      }
      try {
        return await inTransaction(db, async (trx): Promise<CreatedPayment> => {
          await step?.claim(trx);
          const { currency } = await billing.lockAccount(trx, accountId);
          let ids: number[];
          if (body.order_id !== undefined) {
            const order = await repo.orderOf(trx, accountId, body.order_id);
            if (!order) throw notFound('Order');
            ids = [order.invoice_id];
          } else {
            ids = [...new Set(body.invoice_ids!)].sort((a, b) => a - b);
          }
          const shares = await lockUnpaid(trx, accountId, ids);
          const due = shares.reduce((s, x) => s + x.amount, 0);
          const base = { account_id: accountId, method: body.method, currency, amount: due, created_by_id: userId };
          const now = nowSeconds();

          if (body.method === 'iban') {
            const reference = creditorReference();
            const payment = await repo.insertPayment(trx, { ...base, status: 'pending', payment_method_id: null, prepaid_amount: 0, processor_reference: reference, failure_code: null });
            await repo.linkInvoices(trx, payment.id, shares);
            await repo.setBankReference(trx, ids, reference);
            const created = { ...presentPayment(payment, ids), bank_reference: reference, proforma: true };
            await step?.answer(trx, created);
            return created;
          }

          const balance = await billing.balance(trx, accountId);
          let prepaid = 0;
          if (body.method === 'prepaid') {
            if (balance < due) {
              throw new AppError('validation_failed', `The prepaid account holds ${formatMoney(balance, currency)}, ${formatMoney(due - balance, currency)} short of ${formatMoney(due, currency)}`, { shortfall: due - balance, balance, due }, [
                { code: 'validation_rule_prepaid_balance', description: 'The prepaid balance does not cover the invoices', context: { attribute: 'method' } },
              ]);
            }
            prepaid = due;
          } else if (body.use_prepaid) {
            prepaid = Math.min(Math.max(balance, 0), due);
          }
          const rest = due - prepaid;

          let method: ChargeableMethod | undefined;
          let result: { status: 'succeeded' | 'pending'; reference: string | null } = { status: 'succeeded', reference: null };
          if (body.method !== 'prepaid') {
            const kind: PaymentMethodKind = body.method;
            if (kind === 'postfinance' && currency !== 'CHF') {
              throw invalidField('method', 'postfinance_chf', 'PostFinance is only available to organisations billed in CHF', ['CHF']);
            }
            method = await chosenMethod(trx, accountId, kind, body.payment_method_id, phone);
            if (!method && rest > 0) {
              throw invalidField('payment_method_id', 'required', `No saved ${kind} method: add one with POST /1/accounts/${accountId}/payment_methods`);
            }
            if (method && method.kind !== kind) {
              throw invalidField('payment_method_id', 'kind', `Payment method ${method.id} is a ${method.kind} method, not ${kind}`, [kind]);
            }
            if (method && rest > 0) {
              try {
                result = charge({ kind, token: method.processor_token, amount: rest, currency });
              } catch (err) {
                if (err instanceof ProcessorDecline) {
                  throw new Declined(err, { method: body.method, payment_method_id: method.id, currency, amount: due, shares });
                }
                throw err;
              }
              // A Twint profile used by its phone is saved once the processor has taken the charge.
              if (method.id === null) method = { ...method, ...(await billing.insertMethod(trx, method.unsaved!)) };
            }
          }

          // The method the processor charged; none when the prepaid account paid it all.
          const charged = rest > 0 ? method : undefined;
          // A pending charge records the prepaid part it planned (amount = charged + prepaid_amount)
          // but debits nothing: the debit belongs to the charge's success, which this slice does not resolve yet.
          const pending = result.status === 'pending';
          const payment = await repo.insertPayment(trx, {
            ...base, status: result.status, payment_method_id: charged?.id ?? null, prepaid_amount: prepaid,
            processor_reference: result.reference, failure_code: null,
          });
          await repo.linkInvoices(trx, payment.id, shares);
          if (!pending) {
            if (prepaid > 0) {
              await billing.insertLedger(trx, { account_id: accountId, amount: -prepaid, currency, kind: 'debit', payment_id: payment.id, description: `Payment ${payment.id} of invoices ${ids.join(', ')}` });
            }
            const { created, renewed } = await settle(trx, ids, now);
            // Paying an order or a renewal with a card or Twint switches auto-renewal on with that method.
            if (charged?.id && supportsAutoRenewal(charged.kind)) await switchOnAfterPayment(trx, [...created, ...renewed], charged.id);
          }
          const created = { ...presentPayment(payment, ids), bank_reference: null, proforma: false };
          await step?.answer(trx, created);
          return created;
        });
      } catch (err) {
        if (!(err instanceof Declined)) throw err;
        // Everything above was rolled back (the key's claim too); only the failed attempt is kept, in a
        // short transaction of its own that claims the key again and answers the 402.
        throw await inTransaction(db, async (trx) => {
          await step?.claim(trx);
          const p = await repo.insertPayment(trx, {
            account_id: accountId, status: 'failed', method: err.row.method, payment_method_id: err.row.payment_method_id, currency: err.row.currency,
            amount: err.row.amount, prepaid_amount: 0, processor_reference: err.decline.reference, failure_code: err.decline.code, created_by_id: userId,
          });
          await repo.linkInvoices(trx, p.id, err.row.shares);
          const declined = new AppError('payment_declined', err.decline.message, { decline_code: err.decline.code, payment_id: p.id });
          await step?.answer(trx, declined);
          return declined;
        });
      }
    },

    /** Test mode: the bank transfer of a pending IBAN payment arrived (the caller is already guarded). */
    async recordTransfer(accountId: number, paymentId: number) {
      return inTransaction(db, async (trx) => {
        await billing.lockAccount(trx, accountId);
        const payment = await repo.findForUpdate(trx, accountId, paymentId);
        if (!payment) throw notFound('Payment');
        if (payment.method !== 'iban' || payment.status !== 'pending') {
          throw new AppError('conflict_error', 'Only a pending IBAN payment can have its transfer recorded', { status: payment.status, method: payment.method });
        }
        const linked = await repo.shares(trx, paymentId);
        const ids = linked.map((s) => s.invoice_id);
        await repo.setStatus(trx, paymentId, 'succeeded');
        if (ids.length === 0) {
          // A payment without invoices is a deposit on the prepaid account (POST …/prepaid/credit).
          const amount = Number(payment.amount);
          await billing.insertLedger(trx, {
            account_id: accountId, amount, currency: payment.currency, kind: 'credit', payment_id: paymentId,
            description: `Deposit by bank transfer ${payment.processor_reference}`,
          });
        } else {
          await lockUnpaid(trx, accountId, ids);
          await settle(trx, ids, nowSeconds());
        }
        return presentPayment({ ...payment, status: 'succeeded' }, ids);
      });
    },

    async list(userId: number, accountId: number, q: PaymentsQueryInput) {
      await guard(userId, accountId);
      const params = listParams(q, PAYMENT_SORTABLE, [{ field: 'id', dir: 'desc' }]);
      const { items, total } = await repo.list(db, accountId, q.filter?.status ?? q.status, params);
      const links = await repo.invoiceIdsOf(db, items.map((p) => p.id));
      return { items: items.map((p) => presentPayment(p, links.get(p.id) ?? [])), total, params };
    },

    async get(userId: number, accountId: number, id: number) {
      await guard(userId, accountId);
      const p = await repo.find(db, accountId, id);
      if (!p) throw notFound('Payment');
      const links = await repo.invoiceIdsOf(db, [id]);
      return presentPayment(p, links.get(id) ?? []);
    },
  };
}
