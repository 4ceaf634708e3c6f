// The Idempotency-Key of money-moving POSTs (billing, payments, renewals): claimed and answered
// inside the transaction of the change it answers (idempotent.ts).
export {
  idempotencyHeader,
  idempotencyKeyOf,
  idempotent,
  inIdempotentTransaction,
  requestHash,
  IDEMPOTENCY_HEADER,
  type IdempotencyStep,
} from './idempotent.js';
