import type { Executor } from '../../db/database.js';
import type { Currency } from '../../db/types.js';
import { outbox } from '../outbox/index.js';
import { formatMoney } from '../charges/index.js';
import { renewalsRepository } from './renewals.repository.js';

// What the owners and billing members of an organisation hear from the renewal run, queued
// in the outbox inside the run's transaction (so a notice exists only if its outcome does).

const date = (s: number) => new Date(s * 1000).toISOString().slice(0, 10);

export type RenewalNotice =
  | {
      kind: 'auto_renewal_reminder';
      expiredAt: number;
      amount: number | null;
      currency: Currency;
      method: string | null;
    }
  | { kind: 'auto_renewal_succeeded'; newExpiredAt: number; amount: number; currency: Currency; method: string }
  | { kind: 'auto_renewal_failed'; reason: string; nextAttemptAt: number; expiredAt: number }
  | { kind: 'product_locked'; expiredAt: number };

function words(product: string, n: RenewalNotice): { subject: string; body: string } {
  switch (n.kind) {
    case 'auto_renewal_reminder':
      return {
        subject: `${product} renews automatically before ${date(n.expiredAt)}`,
        body:
          n.method && n.amount !== null
            ? `${product} expires on ${date(n.expiredAt)}. It renews automatically: ${formatMoney(n.amount, n.currency)} will be charged to ${n.method}.`
            : `${product} expires on ${date(n.expiredAt)}. Auto-renewal is on but no saved payment method can be charged: choose one to keep the product.`,
      };
    case 'auto_renewal_succeeded':
      return {
        subject: `${product} has been renewed`,
        body: `${formatMoney(n.amount, n.currency)} was charged to ${n.method}. ${product} now runs until ${date(n.newExpiredAt)}.`,
      };
    case 'auto_renewal_failed':
      return {
        subject: `The renewal of ${product} failed`,
        body:
          n.nextAttemptAt < n.expiredAt
            ? `The automatic renewal failed (${n.reason}). It is tried again on ${date(n.nextAttemptAt)}; pay the renewal invoice before ${date(n.expiredAt)} to keep the product.`
            : `The automatic renewal failed (${n.reason}). Pay the renewal invoice before ${date(n.expiredAt)}, or the product is locked.`,
      };
    case 'product_locked':
      return {
        subject: `${product} is locked`,
        body: `${product} expired on ${date(n.expiredAt)} without its renewal being paid, and is now locked. Pay its renewal to unlock it.`,
      };
  }
}

export async function mailRenewal(
  db: Executor,
  accountId: number,
  product: { service_name: string; customer_name: string },
  notice: RenewalNotice,
) {
  const { subject, body } = words(`${product.service_name} ${product.customer_name}`, notice);
  for (const u of await renewalsRepository(db).billingRecipients(accountId)) {
    await outbox(db).notify({
      recipient: u.email,
      user_id: u.id,
      account_id: accountId,
      kind: notice.kind,
      subject,
      body: `Hello ${u.first_name},\n\n${body}`,
    });
  }
}
