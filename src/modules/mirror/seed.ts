import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../../db/database.js';
import { inTransaction } from '../../db/transaction.js';
import { syncClock } from '../../shared/clock-store.js';
import { invalidField } from '../../shared/errors.js';
import { hashPassword, hashToken, tokenPrefix } from '../../shared/secrets.js';
import { SCOPES } from '../../shared/scopes.js';
import { realNowSeconds } from '../../shared/time.js';
import { behaviourOf, detectBrand, tokenFor } from '../charges/index.js';
import { issueRenewalInvoice, renewalPeriods } from '../due/index.js';
import { invoicesRepository } from '../invoices/index.js';
import { serviceByName } from '../products/services.js';
import { insertPerson } from '../users/people.repository.js';
import { checkClockOffset } from './clock-bounds.js';
import type { Fixture } from './fixture.schema.js';
import { resetData } from './reset.js';

// Loading a fixture: the data emptied first (identities restarted), then everything inserted
// in one transaction, and the clock set to the fixture's `now`. The same document gives the
// same ids, timestamps and API tokens on every run (tokens derive from the user's key).

const DAY = 86_400;

/** `ikm_` + 43 characters, derived from the fixture user's key and e-mail. */
const seededToken = (key: string, email: string) => tokenPrefix() + createHash('sha256').update(`ik-mirror seed:${key}:${email}`).digest('base64url');

function check(f: Fixture) {
  checkClockOffset('now', f.now - realNowSeconds());
  const users = new Set<string>();
  f.users.forEach((u, i) => {
    if (users.has(u.key)) throw invalidField(`users.${i}.key`, 'distinct', `User key ${u.key} is used twice`);
    users.add(u.key);
  });
  f.organisations.forEach((o, i) => {
    o.members.forEach((m, j) => {
      if (!users.has(m.user)) throw invalidField(`organisations.${i}.members.${j}.user`, 'exists', `No user with key ${m.user}`);
    });
    if (!o.members.some((m) => m.role === 'owner')) throw invalidField(`organisations.${i}.members`, 'owner', 'An organisation needs an owner');
    const methods = new Set((o.payment_methods ?? []).map((m) => m.key));
    const products = new Set((o.products ?? []).map((p) => p.key));
    (o.products ?? []).forEach((p, j) => {
      if (!serviceByName(p.service_name)) throw invalidField(`organisations.${i}.products.${j}.service_name`, 'in', `Unknown service ${p.service_name}`);
      if (p.auto_renewal_method && !methods.has(p.auto_renewal_method)) throw invalidField(`organisations.${i}.products.${j}.auto_renewal_method`, 'exists', `No payment method with key ${p.auto_renewal_method}`);
    });
    const renewed = new Set<string>();
    (o.unpaid_renewals ?? []).forEach((r, j) => {
      if (!products.has(r.product)) throw invalidField(`organisations.${i}.unpaid_renewals.${j}.product`, 'exists', `No product with key ${r.product}`);
      // A product has one renewal invoice per period.
      if (renewed.has(r.product)) throw invalidField(`organisations.${i}.unpaid_renewals.${j}.product`, 'distinct', `Product ${r.product} already has an unpaid renewal`);
      renewed.add(r.product);
    });
  });
}

export async function seed(db: Db, f: Fixture) {
  check(f);
  const hashes = await Promise.all(f.users.map((u) => hashPassword(u.password)));
  await resetData(db);
  const now = f.now;
  const out = await inTransaction(db, async (trx) => {
    // now() is fixed for the whole transaction: with this offset every column default
    // (mirror_now()) stamps exactly the fixture's time, and the clock reads it afterwards.
    await sql`UPDATE mirror_clock SET offset_seconds = ${now} - floor(EXTRACT(epoch FROM now()))::bigint`.execute(trx);
    const users = new Map<string, { id: number; email: string }>();
    const firstOrg = new Map<string, number>();
    const organisations = [];
    for (const o of f.organisations) {
      const account = await trx.insertInto('accounts').values({ name: o.name, currency: o.currency, created_at: now, updated_at: now }).returning('id').executeTakeFirstOrThrow();
      for (const m of o.members) if (!firstOrg.has(m.user)) firstOrg.set(m.user, account.id);
      organisations.push({ key: o.key, id: account.id, o });
    }
    const seededUsers = [];
    for (const [i, u] of f.users.entries()) {
      const row = await insertPerson(trx, {
        email: u.email.toLowerCase(), password_hash: hashes[i]!, first_name: u.first_name, last_name: u.last_name,
        current_account_id: firstOrg.get(u.key) ?? null, email_checked: true,
      }, now);
      if (u.is_staff) await trx.updateTable('users').set({ is_staff: true }).where('id', '=', row.id).execute();
      const token = seededToken(u.key, row.email);
      await trx.insertInto('api_tokens').values({ user_id: row.id, name: 'seed', token_hash: hashToken(token), scopes: [...SCOPES], expired_at: null, created_at: now }).execute();
      users.set(u.key, { id: row.id, email: row.email });
      seededUsers.push({ key: u.key, id: row.id, email: row.email, password: u.password, token });
    }

    const seededOrgs = [];
    for (const { key, id: accountId, o } of organisations) {
      for (const m of o.members) {
        await trx.insertInto('account_members').values({
          account_id: accountId, user_id: users.get(m.user)!.id, role_type: m.role, has_billing_access: m.role === 'owner' || (m.billing ?? false),
        }).execute();
      }
      for (const team of o.teams ?? []) {
        const t = await trx.insertInto('teams').values({ account_id: accountId, name: team.name, created_at: now, updated_at: now }).returning('id').executeTakeFirstOrThrow();
        for (const member of team.members) {
          if (users.has(member)) await trx.insertInto('team_members').values({ team_id: t.id, user_id: users.get(member)!.id }).execute();
        }
      }
      const methods = new Map<string, number>();
      for (const m of o.payment_methods ?? []) {
        const card = m.kind === 'card' ? m.identifier.replace(/\D/g, '') : '';
        const row = await trx.insertInto('payment_methods').values({
          account_id: accountId, kind: m.kind, brand: m.kind === 'card' ? detectBrand(card) ?? 'visa' : null, last4: m.kind === 'card' ? card.slice(-4) : null,
          exp_month: m.kind === 'card' ? 12 : null, exp_year: m.kind === 'card' ? new Date(now * 1000).getUTCFullYear() + 3 : null,
          label: m.kind === 'card' ? `Card •••• ${card.slice(-4)}` : `${m.kind} ${m.identifier}`,
          processor_token: tokenFor(behaviourOf(m.kind, m.kind === 'card' ? card : m.identifier)), created_at: now,
        }).returning('id').executeTakeFirstOrThrow();
        methods.set(m.key, row.id);
      }
      const products = new Map<string, { id: number; service_name: string; customer_name: string; fqdn: string | null; expired_at: number | null }>();
      const prices = await invoicesRepository(trx).pricesIn(o.currency);
      for (const p of o.products ?? []) {
        const service = serviceByName(p.service_name)!;
        const fqdn = p.service_name === 'domain' ? p.customer_name : null;
        const row = await trx.insertInto('products').values({
          account_id: accountId, service_id: service.id, service_name: service.name, customer_name: p.customer_name, internal_name: p.customer_name,
          fqdn, currency: o.currency, created_at: now - 365 * DAY, expired_at: p.expires_in_days === null ? null : now + p.expires_in_days * DAY,
          auto_renewal: p.auto_renewal_method !== undefined, auto_renewal_method_id: p.auto_renewal_method ? methods.get(p.auto_renewal_method)! : null,
        }).returning(['id', 'expired_at']).executeTakeFirstOrThrow();
        products.set(p.key, { id: row.id, service_name: service.name, customer_name: p.customer_name, fqdn, expired_at: row.expired_at });
      }
      const invoices = [];
      for (const r of o.unpaid_renewals ?? []) {
        const product = products.get(r.product)!;
        const price = renewalPeriods(product, prices).find((x) => x.period_months === r.period_months);
        if (!price) throw invalidField('unpaid_renewals', 'in', `${product.customer_name} cannot be renewed for ${r.period_months} months`);
        invoices.push(await issueRenewalInvoice(trx, accountId, o.currency, [{ product, period_months: r.period_months, amount: price.amount }], now));
      }
      if (o.prepaid_balance) {
        await trx.insertInto('prepaid_ledger').values({ account_id: accountId, amount: o.prepaid_balance, currency: o.currency, kind: 'credit', payment_id: null, description: 'Seeded balance', created_at: now }).execute();
      }
      seededOrgs.push({
        key, id: accountId, products: Object.fromEntries([...products].map(([k, v]) => [k, v.id])), payment_methods: Object.fromEntries(methods), invoice_ids: invoices,
      });
    }
    return { users: seededUsers, organisations: seededOrgs };
  });
  await syncClock(db);
  return { now, ...out };
}
