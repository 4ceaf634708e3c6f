// Charging, settling and the prepaid ledger: what billing (deposits), payments, the renewal run
// and renewals share. It has no routes and imports none of those modules (only invoices, to
// fulfil the orders a payment pays), so they all depend on it and not on each other.
export {
  behaviourOf,
  detectBrand,
  luhnValid,
  pendingOutcome,
  tokenFor,
  PENDING_RESOLVES_AFTER,
  RESOLVING_TOKEN_PREFIXES,
  type CardBrand,
  type DeclineCode,
} from './processor.js';
export { BANK_IBAN, creditorReference, formatMoney, requirePostFinanceCurrency, type Currency } from './money.js';
export {
  normalisePhone,
  RENEWABLE_KINDS,
  supportsAutoRenewal,
  twintLabel,
  twintMethod,
  type NewPaymentMethod,
} from './methods.js';
export {
  chargeLocks,
  chargesRepository,
  type ChargesRepository,
  METHOD_COLUMNS,
  PAYMENT_COLUMNS,
  type NewLedgerRow,
  type NewPayment,
  type PaymentRecord,
  type Share,
  type Trx,
} from './charges.repository.js';
export {
  payFromPrepaid,
  payFromPrepaidAtOnce,
  type PrepaidPayment,
  type PrepaidRows,
} from './prepaid-payment.repository.js';
export { chargeMethod, recordDecline, type ChargeOutcome, type DeclinedCharge } from './charge.js';
export {
  extendRenewedProducts,
  settle,
  settleCharged,
  settleMarked,
  switchOnAfterPayment,
  type SettleWork,
} from './settle.js';
