import { randomBytes } from 'node:crypto';
import type { Db } from '../../db/database.js';
import type { Currency, PaymentMethodKind } from '../../db/types.js';
import { inTransaction } from '../../db/transaction.js';
import { inIdempotentTransaction, type IdempotencyStep } from '../idempotency/index.js';
import { requireBilling } from '../accounts/index.js';
import { AppError, fieldError, invalidField, notFound, validationFailed, type FieldError } from '../../shared/errors.js';
import { listParams } from '../../shared/pagination.js';
import { nowSeconds } from '../../shared/time.js';
import { METHOD_SORTABLE, billingRepository as repo, type NewPaymentMethod } from './billing.repository.js';
import {
  CREDIT_MAX, CREDIT_MIN, type CreatePaymentMethodInput, type CreditInput, type PaymentMethodsQueryInput,
  type PrepaidTransactionsQueryInput,
} from './billing.schemas.js';
import { supportsAutoRenewal } from '../renewals/switch-on.js';
import { behaviourOf, charge, detectBrand, luhnValid, ProcessorDecline, tokenFor, type CardBrand } from './processor.js';

const BRAND_NAMES: Record<CardBrand, string> = { visa: 'Visa', mastercard: 'Mastercard', cb: 'CB' };
const KIND_NAMES: Record<PaymentMethodKind, string> = { card: 'card', postfinance: 'PostFinance', twint: 'TWINT', paypal: 'PayPal' };
/** Which optional body fields each kind takes; `required` ones must be present. */
const KIND_FIELDS: Record<PaymentMethodKind, { required: string[]; optional: string[] }> = {
  card: { required: ['number', 'exp_month', 'exp_year', 'cvc'], optional: ['holder', 'brand'] },
  twint: { required: ['phone'], optional: [] },
  paypal: { required: ['email'], optional: [] },
  postfinance: { required: ['email'], optional: [] },
};
const BODY_FIELDS = ['number', 'exp_month', 'exp_year', 'cvc', 'holder', 'brand', 'phone', 'email'] as const;

/** The bank account IBAN transfers go to (a fictitious test account). */
export const BANK_IBAN = 'CH93 0076 2011 6238 5295 7';

export const formatMoney = (minor: number, currency: Currency) => `${(minor / 100).toFixed(2)} ${currency}`;

type MethodRow = {
  id: number; kind: PaymentMethodKind; brand: string | null; last4: string | null; exp_month: number | null;
  exp_year: number | null; label: string; created_at: number;
};

export const presentMethod = (m: MethodRow) => ({
  id: m.id,
  kind: m.kind,
  brand: m.brand as CardBrand | null,
  last4: m.last4,
  exp_month: m.exp_month,
  exp_year: m.exp_year,
  label: m.label,
  supports_auto_renewal: supportsAutoRenewal(m.kind),
  created_at: m.created_at,
});

/** An ISO 11649 creditor reference (RFxx…), what an IBAN transfer quotes. */
export function creditorReference(): string {
  const body = `IKM${randomBytes(6).toString('hex').toUpperCase()}`;
  const digits = `${body}RF00`.replace(/[A-Z]/g, (c) => String(c.charCodeAt(0) - 55));
  const check = 98n - (BigInt(digits) % 97n);
  return `RF${String(check).padStart(2, '0')}${body}`;
}

/** A Twint phone number in international form (+41…), or undefined when it is not one. */
export function normalisePhone(raw: string): string | undefined {
  let p = raw.replace(/[\s.\-()]/g, '');
  if (p.startsWith('00')) p = `+${p.slice(2)}`;
  else if (/^0[1-9]/.test(p)) p = `+41${p.slice(1)}`;
  return /^\+[1-9][0-9]{7,14}$/.test(p) ? p : undefined;
}

/** The row saved for a Twint profile: its label names the phone, its token the processor behaviour. */
export const twintMethod = (accountId: number, phone: string): NewPaymentMethod => ({
  account_id: accountId, kind: 'twint', brand: null, last4: null, exp_month: null, exp_year: null,
  label: twintLabel(phone), processor_token: tokenFor(behaviourOf('twint', phone)),
});
export const twintLabel = (phone: string) => `TWINT ${phone}`;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

interface CardDetails {
  brand: CardBrand;
  last4: string;
  exp_month: number;
  exp_year: number;
  number: string;
}

function checkCard(body: CreatePaymentMethodInput, errors: FieldError[]): CardDetails | undefined {
  const number = (body.number ?? '').replace(/[\s-]/g, '');
  let brand: CardBrand | undefined;
  if (!/^[0-9]{12,19}$/.test(number)) {
    errors.push(fieldError('number', 'card_number', 'A card number has 12 to 19 digits'));
  } else if (!luhnValid(number)) {
    errors.push(fieldError('number', 'luhn', 'The card number is not valid (checksum)'));
  } else {
    const detected = detectBrand(number);
    if (!detected) errors.push(fieldError('number', 'card_brand', 'Only Visa, Mastercard and CB cards are accepted', ['visa', 'mastercard', 'cb']));
    else if (body.brand && body.brand !== 'cb' && body.brand !== detected) {
      errors.push(fieldError('brand', 'card_brand', `The number is a ${BRAND_NAMES[detected]} card`, [detected, 'cb']));
    } else brand = body.brand ?? detected;
  }
  const now = new Date(nowSeconds() * 1000);
  const [y, m] = [now.getUTCFullYear(), now.getUTCMonth() + 1];
  if (body.exp_year !== undefined && body.exp_month !== undefined) {
    if (body.exp_year < y) errors.push(fieldError('exp_year', 'card_expired', `The card expired in ${body.exp_year}`));
    else if (body.exp_year === y && body.exp_month < m) errors.push(fieldError('exp_month', 'card_expired', `The card expired at the end of ${body.exp_month}/${body.exp_year}`));
  }
  if (!brand || errors.length) return undefined;
  return { brand, last4: number.slice(-4), exp_month: body.exp_month!, exp_year: body.exp_year!, number };
}

/** What a deposit answers. */
export interface Credit {
  payment_id: number;
  status: 'succeeded' | 'pending';
  method: CreditInput['method'];
  payment_method_id: number | null;
  amount: number;
  currency: Currency;
  reference: string;
  credited: boolean;
  balance: number;
  description: string;
  created_at: number;
}

export function billingService(db: Db) {
  /** The caller may handle the organisation's billing (403 / 404 otherwise). */
  const guard = (userId: number, accountId: number) => requireBilling(db, accountId, userId);

  return {
    guard,

    async listMethods(userId: number, accountId: number, q: PaymentMethodsQueryInput) {
      await guard(userId, accountId);
      const params = listParams(q, METHOD_SORTABLE, [{ field: 'id', dir: 'asc' }]);
      const { items, total } = await repo.listMethods(db, accountId, params);
      return { items: items.map(presentMethod), total, params };
    },

    /** Saves a method (the caller is already guarded). */
    async createMethod(accountId: number, body: CreatePaymentMethodInput, step?: IdempotencyStep<ReturnType<typeof presentMethod>>) {
      const { currency } = await repo.currencyOf(db, accountId);
      const errors: FieldError[] = [];
      if (body.kind === 'postfinance' && currency !== 'CHF') {
        throw invalidField('kind', 'postfinance_chf', 'PostFinance is only available to organisations billed in CHF', ['CHF']);
      }
      const allowed = KIND_FIELDS[body.kind];
      for (const f of BODY_FIELDS) {
        const present = body[f] !== undefined;
        if (allowed.required.includes(f) && !present) errors.push(fieldError(f, 'required', `${f} is required for ${body.kind}`));
        if (present && !allowed.required.includes(f) && !allowed.optional.includes(f)) {
          errors.push(fieldError(f, 'prohibited', `${f} is not accepted for ${body.kind}`));
        }
      }
      if (errors.length) throw validationFailed(errors);

      let row: Parameters<typeof repo.insertMethod>[1];
      if (body.kind === 'card') {
        const card = checkCard(body, errors);
        if (!card) throw validationFailed(errors);
        row = {
          account_id: accountId, kind: 'card', brand: card.brand, last4: card.last4, exp_month: card.exp_month,
          exp_year: card.exp_year, label: `${BRAND_NAMES[card.brand]} •••• ${card.last4}`,
          processor_token: tokenFor(behaviourOf('card', card.number)),
        };
      } else if (body.kind === 'twint') {
        const phone = normalisePhone(body.phone!);
        if (!phone) throw invalidField('phone', 'phone', 'A phone number in international form, e.g. +41 79 123 45 67');
        row = twintMethod(accountId, phone);
      } else {
        const email = body.email!.trim().toLowerCase();
        if (!EMAIL.test(email)) throw invalidField('email', 'email', 'A valid e-mail address');
        row = {
          account_id: accountId, kind: body.kind, brand: null, last4: null, exp_month: null, exp_year: null,
          label: `${KIND_NAMES[body.kind]} ${email}`, processor_token: tokenFor(behaviourOf(body.kind, email)),
        };
      }
      return inIdempotentTransaction(db, step, async (trx) => presentMethod(await repo.insertMethod(trx, row)));
    },

    async deleteMethod(userId: number, accountId: number, id: number) {
      await guard(userId, accountId);
      if (!(await repo.softDeleteMethod(db, accountId, id, nowSeconds()))) throw notFound('Payment method');
      return true as const;
    },

    async prepaid(userId: number, accountId: number) {
      await guard(userId, accountId);
      const { currency } = await repo.currencyOf(db, accountId);
      return { balance: await repo.balance(db, accountId), currency };
    },

    async ledger(userId: number, accountId: number, q: PrepaidTransactionsQueryInput) {
      await guard(userId, accountId);
      const params = listParams(q, [], [{ field: 'id', dir: 'desc' }]);
      const { items, total } = await repo.listLedger(db, accountId, params);
      return { items, total, params };
    },

    /**
     * A deposit on the prepaid account (the caller is already guarded). One transaction with
     * the organisation locked: the payment row and, once the money is in, its ledger credit.
     * A decline commits its failed payment row, then answers 402.
     */
    async credit(userId: number, accountId: number, body: CreditInput, step?: IdempotencyStep<Credit>) {
      if (body.amount < CREDIT_MIN || body.amount > CREDIT_MAX) {
        throw invalidField('amount', 'between', `A deposit is from 0.10 to 9999 in the organisation's currency (${CREDIT_MIN} to ${CREDIT_MAX} minor units)`, [CREDIT_MIN, CREDIT_MAX]);
      }
      if (body.method === 'iban' && body.payment_method_id !== undefined) {
        throw invalidField('payment_method_id', 'prohibited', 'An IBAN transfer uses no saved method');
      }
      const outcome = await inTransaction(db, async (trx): Promise<Credit | AppError> => {
        await step?.claim(trx);
        const { currency } = await repo.lockAccount(trx, accountId);
        if (body.method === 'postfinance' && currency !== 'CHF') {
          throw invalidField('method', 'postfinance_chf', 'PostFinance is only available to organisations billed in CHF', ['CHF']);
        }
        const base = { account_id: accountId, method: body.method, currency, amount: body.amount, created_by_id: userId };
        const done = async (answer: Credit | AppError) => {
          await step?.answer(trx, answer);
          return answer;
        };
        const credited = async (payment: { id: number; created_at: number }, status: 'succeeded' | 'pending', reference: string, methodId: number | null, description: string) =>
          done({
            payment_id: payment.id, status, method: body.method, payment_method_id: methodId, amount: body.amount, currency, reference,
            credited: status === 'succeeded', balance: await repo.balance(trx, accountId), description, created_at: payment.created_at,
          });
        if (body.method === 'iban') {
          const reference = creditorReference();
          const payment = await repo.insertPayment(trx, { ...base, status: 'pending', payment_method_id: null, processor_reference: reference, failure_code: null });
          const description = `Transfer ${formatMoney(body.amount, currency)} to ${BANK_IBAN} quoting ${reference}. The prepaid account is credited when the transfer arrives (test mode: POST /1/accounts/${accountId}/payments/${payment.id}/record_transfer).`;
          return credited(payment, 'pending', reference, null, description);
        }
        const kind: PaymentMethodKind = body.method;
        const method = body.payment_method_id !== undefined
          ? await repo.findMethod(trx, accountId, body.payment_method_id)
          : await repo.latestMethodOfKind(trx, accountId, kind);
        if (!method) {
          if (body.payment_method_id !== undefined) throw notFound('Payment method');
          throw invalidField('payment_method_id', 'required', `No saved ${KIND_NAMES[kind]} method: add one with POST /1/accounts/${accountId}/payment_methods`);
        }
        if (method.kind !== kind) {
          throw invalidField('payment_method_id', 'kind', `Payment method ${method.id} is a ${KIND_NAMES[method.kind]} method, not ${KIND_NAMES[kind]}`, [kind]);
        }
        let result: { status: 'succeeded' | 'pending'; reference: string };
        try {
          result = charge({ kind, token: method.processor_token, amount: body.amount, currency });
        } catch (err) {
          if (!(err instanceof ProcessorDecline)) throw err;
          const payment = await repo.insertPayment(trx, { ...base, status: 'failed', payment_method_id: method.id, processor_reference: err.reference, failure_code: err.code });
          // The failed row commits and the 402 is its answer.
          return done(new AppError('payment_declined', err.message, { decline_code: err.code, payment_id: payment.id }));
        }
        const payment = await repo.insertPayment(trx, { ...base, status: result.status, payment_method_id: method.id, processor_reference: result.reference, failure_code: null });
        if (result.status === 'succeeded') {
          await repo.insertLedger(trx, { account_id: accountId, amount: body.amount, currency, kind: 'credit', payment_id: payment.id, description: `Deposit by ${method.label}` });
          return credited(payment, 'succeeded', result.reference, method.id, `${formatMoney(body.amount, currency)} credited to the prepaid account`);
        }
        return credited(payment, 'pending', result.reference, method.id,
          `The payment of ${formatMoney(body.amount, currency)} by ${method.label} is pending; the prepaid account is credited once it succeeds`);
      });
      if (outcome instanceof AppError) throw outcome;
      return outcome;
    },
  };
}
