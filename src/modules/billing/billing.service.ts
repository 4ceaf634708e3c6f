import type { Db } from '../../db/database.js';
import type { Currency, PaymentMethodKind } from '../../db/types.js';
import { inTransaction } from '../../db/transaction.js';
import { inIdempotentTransaction, type IdempotencyStep } from '../idempotency/index.js';
import { requireBilling } from '../accounts/index.js';
import {
  AppError,
  fieldError,
  invalidField,
  notFound,
  validationFailed,
  type FieldError,
} from '../../shared/errors.js';
import { listParams } from '../../shared/pagination.js';
import { nowSeconds } from '../../shared/time.js';
import {
  BANK_IBAN,
  behaviourOf,
  chargeMethod,
  chargeLocks,
  chargesRepository,
  creditorReference,
  detectBrand,
  formatMoney,
  luhnValid,
  normalisePhone,
  recordDecline,
  requirePostFinanceCurrency,
  supportsAutoRenewal,
  tokenFor,
  twintMethod,
  type CardBrand,
  type NewPaymentMethod,
  type Trx,
} from '../charges/index.js';
import { METHOD_SORTABLE, billingRepository } from './billing.repository.js';
import {
  CREDIT_MAX,
  CREDIT_MIN,
  type CreatePaymentMethodInput,
  type CreditInput,
  type PaymentMethodsQueryInput,
  type PrepaidTransactionsQueryInput,
} from './billing.schemas.js';

const BRAND_NAMES: Record<CardBrand, string> = { visa: 'Visa', mastercard: 'Mastercard', cb: 'CB' };
const isCardBrand = (brand: string): brand is CardBrand => Object.hasOwn(BRAND_NAMES, brand);
const KIND_NAMES: Record<PaymentMethodKind, string> = {
  card: 'card',
  postfinance: 'PostFinance',
  twint: 'TWINT',
  paypal: 'PayPal',
};
/** Which optional body fields each kind takes; `required` ones must be present. */
const KIND_FIELDS: Record<PaymentMethodKind, { required: string[]; optional: string[] }> = {
  card: { required: ['number', 'exp_month', 'exp_year', 'cvc'], optional: ['holder', 'brand'] },
  twint: { required: ['phone'], optional: [] },
  paypal: { required: ['email'], optional: [] },
  postfinance: { required: ['email'], optional: [] },
};
const BODY_FIELDS = ['number', 'exp_month', 'exp_year', 'cvc', 'holder', 'brand', 'phone', 'email'] as const;

type MethodRow = {
  id: number;
  kind: PaymentMethodKind;
  brand: string | null;
  last4: string | null;
  exp_month: number | null;
  exp_year: number | null;
  label: string;
  created_at: number;
};

export const presentMethod = (m: MethodRow) => ({
  id: m.id,
  kind: m.kind,
  // Only a card has a brand, and it is saved from CardBrand (createMethod).
  brand: m.brand !== null && isCardBrand(m.brand) ? m.brand : null,
  last4: m.last4,
  exp_month: m.exp_month,
  exp_year: m.exp_year,
  label: m.label,
  supports_auto_renewal: supportsAutoRenewal(m.kind),
  created_at: m.created_at,
});

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

interface CardDetails {
  brand: CardBrand;
  last4: string;
  exp_month: number;
  exp_year: number;
  number: string;
}

/** The card's network, or why the number is refused (pushed onto `errors`). */
function cardBrandOf(number: string, asked: CardBrand | undefined, errors: FieldError[]): CardBrand | undefined {
  if (!/^[0-9]{12,19}$/.test(number)) {
    errors.push(fieldError('number', 'card_number', 'A card number has 12 to 19 digits'));
    return undefined;
  }
  if (!luhnValid(number)) {
    errors.push(fieldError('number', 'luhn', 'The card number is not valid (checksum)'));
    return undefined;
  }
  const detected = detectBrand(number);
  if (!detected) {
    errors.push(
      fieldError('number', 'card_brand', 'Only Visa, Mastercard and CB cards are accepted', [
        'visa',
        'mastercard',
        'cb',
      ]),
    );
    return undefined;
  }
  if (asked && asked !== 'cb' && asked !== detected) {
    errors.push(fieldError('brand', 'card_brand', `The number is a ${BRAND_NAMES[detected]} card`, [detected, 'cb']));
    return undefined;
  }
  return asked ?? detected;
}

function checkCard(body: CreatePaymentMethodInput, errors: FieldError[]): CardDetails | undefined {
  const number = (body.number ?? '').replace(/[\s-]/g, '');
  const brand = cardBrandOf(number, body.brand, errors);
  const now = new Date(nowSeconds() * 1000);
  const [y, m] = [now.getUTCFullYear(), now.getUTCMonth() + 1];
  if (body.exp_year !== undefined && body.exp_month !== undefined) {
    if (body.exp_year < y) errors.push(fieldError('exp_year', 'card_expired', `The card expired in ${body.exp_year}`));
    else if (body.exp_year === y && body.exp_month < m)
      errors.push(
        fieldError('exp_month', 'card_expired', `The card expired at the end of ${body.exp_month}/${body.exp_year}`),
      );
  }
  if (!brand || errors.length || body.exp_month === undefined || body.exp_year === undefined) return undefined;
  return { brand, last4: number.slice(-4), exp_month: body.exp_month, exp_year: body.exp_year, number };
}

/** The fields a kind requires and refuses (422 naming each). */
function checkKindFields(body: CreatePaymentMethodInput) {
  const errors: FieldError[] = [];
  const allowed = KIND_FIELDS[body.kind];
  for (const f of BODY_FIELDS) {
    const present = body[f] !== undefined;
    if (allowed.required.includes(f) && !present)
      errors.push(fieldError(f, 'required', `${f} is required for ${body.kind}`));
    if (present && !allowed.required.includes(f) && !allowed.optional.includes(f)) {
      errors.push(fieldError(f, 'prohibited', `${f} is not accepted for ${body.kind}`));
    }
  }
  if (errors.length) throw validationFailed(errors);
}

/** The row a checked body saves: the number or handle becomes the processor token, never stored itself. */
function methodRowOf(accountId: number, body: CreatePaymentMethodInput): NewPaymentMethod {
  if (body.kind === 'card') {
    const errors: FieldError[] = [];
    const card = checkCard(body, errors);
    if (!card) throw validationFailed(errors);
    return {
      account_id: accountId,
      kind: 'card',
      brand: card.brand,
      last4: card.last4,
      exp_month: card.exp_month,
      exp_year: card.exp_year,
      label: `${BRAND_NAMES[card.brand]} •••• ${card.last4}`,
      processor_token: tokenFor(behaviourOf('card', card.number)),
    };
  }
  // checkKindFields has required the phone of a Twint method and the email of the others.
  if (body.kind === 'twint') {
    const phone = normalisePhone(body.phone ?? '');
    if (!phone) throw invalidField('phone', 'phone', 'A phone number in international form, e.g. +41 79 123 45 67');
    return twintMethod(accountId, phone);
  }
  const email = (body.email ?? '').trim().toLowerCase();
  if (!EMAIL.test(email)) throw invalidField('email', 'email', 'A valid e-mail address');
  return {
    account_id: accountId,
    kind: body.kind,
    brand: null,
    last4: null,
    exp_month: null,
    exp_year: null,
    label: `${KIND_NAMES[body.kind]} ${email}`,
    processor_token: tokenFor(behaviourOf(body.kind, email)),
  };
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

function checkCreditBody(body: CreditInput) {
  if (body.amount < CREDIT_MIN || body.amount > CREDIT_MAX) {
    throw invalidField(
      'amount',
      'between',
      `A deposit is from 0.10 to 9999 in the organisation's currency (${CREDIT_MIN} to ${CREDIT_MAX} minor units)`,
      [CREDIT_MIN, CREDIT_MAX],
    );
  }
  if (body.method === 'iban' && body.payment_method_id !== undefined) {
    throw invalidField('payment_method_id', 'prohibited', 'An IBAN transfer uses no saved method');
  }
}

/** A deposit in the making: who, how much, in what, inside the transaction holding the organisation's lock. */
interface Deposit {
  trx: Trx;
  userId: number;
  accountId: number;
  body: CreditInput;
  currency: Currency;
}

async function credited(
  d: Deposit,
  payment: { id: number; created_at: number },
  status: Credit['status'],
  reference: string,
  methodId: number | null,
  description: string,
): Promise<Credit> {
  return {
    payment_id: payment.id,
    status,
    method: d.body.method,
    payment_method_id: methodId,
    amount: d.body.amount,
    currency: d.currency,
    reference,
    credited: status === 'succeeded',
    balance: await chargesRepository(d.trx).balance(d.accountId),
    description,
    created_at: payment.created_at,
  };
}

const paymentOf = (d: Deposit) => ({
  account_id: d.accountId,
  method: d.body.method,
  currency: d.currency,
  amount: d.body.amount,
  created_by_id: d.userId,
});

/** An IBAN deposit: a pending payment quoting a creditor reference; the money is credited when the transfer arrives. */
async function depositByTransfer(d: Deposit): Promise<Credit> {
  const reference = creditorReference();
  const payment = await chargesRepository(d.trx).insertPayment({
    ...paymentOf(d),
    status: 'pending',
    payment_method_id: null,
    processor_reference: reference,
    failure_code: null,
  });
  const description = `Transfer ${formatMoney(d.body.amount, d.currency)} to ${BANK_IBAN} quoting ${reference}. The prepaid account is credited when the transfer arrives (test mode: POST /1/accounts/${d.accountId}/payments/${payment.id}/record_transfer).`;
  return credited(d, payment, 'pending', reference, null, description);
}

/** The saved method of the deposit's kind: the one named, else the latest one. */
async function depositMethod(d: Deposit, kind: PaymentMethodKind) {
  const charges = chargesRepository(d.trx);
  const { body, accountId } = d;
  const method =
    body.payment_method_id !== undefined
      ? await charges.findMethod(accountId, body.payment_method_id)
      : await charges.latestMethodOfKind(accountId, kind);
  if (!method) {
    if (body.payment_method_id !== undefined) throw notFound('Payment method');
    throw invalidField(
      'payment_method_id',
      'required',
      `No saved ${KIND_NAMES[kind]} method: add one with POST /1/accounts/${accountId}/payment_methods`,
    );
  }
  if (method.kind !== kind) {
    throw invalidField(
      'payment_method_id',
      'kind',
      `Payment method ${method.id} is a ${KIND_NAMES[method.kind]} method, not ${KIND_NAMES[kind]}`,
      [kind],
    );
  }
  return method;
}

/** A deposit by a saved method: credited once the charge succeeds; a decline keeps its failed payment and answers 402. */
async function depositByMethod(d: Deposit, kind: PaymentMethodKind): Promise<Credit | AppError> {
  const charges = chargesRepository(d.trx);
  const method = await depositMethod(d, kind);
  const { amount } = d.body;
  const outcome = chargeMethod(method, amount, d.currency);
  if (outcome.status === 'declined') {
    return (await recordDecline(d.trx, { ...paymentOf(d), payment_method_id: method.id, shares: [] }, outcome.decline))
      .error;
  }
  const payment = await charges.insertPayment({
    ...paymentOf(d),
    status: outcome.status,
    payment_method_id: method.id,
    processor_reference: outcome.reference,
    failure_code: null,
  });
  if (outcome.status === 'succeeded') {
    await charges.insertLedger({
      account_id: d.accountId,
      amount,
      currency: d.currency,
      kind: 'credit',
      payment_id: payment.id,
      description: `Deposit by ${method.label}`,
    });
    return credited(
      d,
      payment,
      'succeeded',
      outcome.reference,
      method.id,
      `${formatMoney(amount, d.currency)} credited to the prepaid account`,
    );
  }
  return credited(
    d,
    payment,
    'pending',
    outcome.reference,
    method.id,
    `The payment of ${formatMoney(amount, d.currency)} by ${method.label} is pending; the prepaid account is credited once it succeeds`,
  );
}

type Guard = (userId: number, accountId: number) => Promise<unknown>;

/** The saved payment methods. */
function methodsService(db: Db, guard: Guard) {
  return {
    async listMethods(userId: number, accountId: number, q: PaymentMethodsQueryInput) {
      await guard(userId, accountId);
      const params = listParams(q, METHOD_SORTABLE, [{ field: 'id', dir: 'asc' }]);
      const { items, total } = await billingRepository(db).listMethods(accountId, params);
      return { items: items.map(presentMethod), total, params };
    },

    /** Saves a method (the caller is already guarded). */
    async createMethod(
      accountId: number,
      body: CreatePaymentMethodInput,
      step?: IdempotencyStep<ReturnType<typeof presentMethod>>,
    ) {
      const { currency } = await chargesRepository(db).currencyOf(accountId);
      requirePostFinanceCurrency(body.kind, currency, 'kind');
      checkKindFields(body);
      const row = methodRowOf(accountId, body);
      return inIdempotentTransaction(db, step, async (trx) =>
        presentMethod(await chargesRepository(trx).insertMethod(row)),
      );
    },

    async deleteMethod(userId: number, accountId: number, id: number) {
      await guard(userId, accountId);
      if (!(await billingRepository(db).softDeleteMethod(accountId, id, nowSeconds())))
        throw notFound('Payment method');
      return true as const;
    },
  };
}

/** The prepaid account: its balance, its ledger, deposits. */
function prepaidService(db: Db, guard: Guard) {
  return {
    async prepaid(userId: number, accountId: number) {
      const charges = chargesRepository(db);
      await guard(userId, accountId);
      const { currency } = await charges.currencyOf(accountId);
      return { balance: await charges.balance(accountId), currency };
    },

    async ledger(userId: number, accountId: number, q: PrepaidTransactionsQueryInput) {
      await guard(userId, accountId);
      const params = listParams(q, [], [{ field: 'id', dir: 'desc' }]);
      const { items, total } = await billingRepository(db).listLedger(accountId, params);
      return { items, total, params };
    },

    /**
     * A deposit on the prepaid account (the caller is already guarded). One transaction with
     * the organisation locked: the payment row and, once the money is in, its ledger credit.
     * A decline commits its failed payment row, then answers 402 (the charges module's policy).
     */
    async credit(userId: number, accountId: number, body: CreditInput, step?: IdempotencyStep<Credit>) {
      checkCreditBody(body);
      const outcome = await inTransaction(db, async (trx): Promise<Credit | AppError> => {
        await step?.claim(trx);
        const { currency } = await chargeLocks(trx).account(accountId);
        requirePostFinanceCurrency(body.method, currency, 'method');
        const d: Deposit = { trx, userId, accountId, body, currency };
        const answer = body.method === 'iban' ? await depositByTransfer(d) : await depositByMethod(d, body.method);
        await step?.answer(trx, answer);
        return answer;
      });
      if (outcome instanceof AppError) throw outcome;
      return outcome;
    },
  };
}

export function billingService(db: Db) {
  /** The caller may handle the organisation's billing (403 / 404 otherwise). */
  const guard = (userId: number, accountId: number) => requireBilling(db, accountId, userId);
  return { guard, ...methodsService(db, guard), ...prepaidService(db, guard) };
}
