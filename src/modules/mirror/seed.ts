import { createHash } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { Db } from '../../db/database.js';
import type { Database } from '../../db/types.js';
import { inTransaction } from '../../db/transaction.js';
import { pinClockInTransaction, syncClock } from '../../db/clock.js';
import { invalidField } from '../../shared/errors.js';
import { hashPassword, hashToken, tokenPrefix } from '../../shared/secrets.js';
import { SCOPES } from '../../shared/scopes.js';
import { realNowSeconds } from '../../shared/time.js';
import { behaviourOf, detectBrand, tokenFor } from '../charges/index.js';
import { issueRenewalInvoice, renewalPeriods } from '../due/index.js';
import { eventRow, eventsRepository } from '../events/index.js';
import { invoicesRepository } from '../invoices/index.js';
import { serviceByName } from '../products/index.js';
import { people } from '../users/index.js';
import { checkClockOffset } from './clock-bounds.js';
import type { Fixture } from './fixture.schema.js';
import { resetData } from './reset.js';
import { seedRepository } from './seed.repository.js';

// Loading a fixture: the data emptied first (identities restarted), then everything inserted
// in one transaction, and the clock set to the fixture's `now`. The same document gives the
// same ids, timestamps and API tokens on every run (tokens derive from the user's key).

const DAY = 86_400;

type Trx = Transaction<Database>;
type Organisation = Fixture['organisations'][number];
type HashedUser = Fixture['users'][number] & { password_hash: string };
type SeededProduct = {
  id: number;
  service_name: string;
  customer_name: string;
  fqdn: string | null;
  expired_at: number | null;
};

/** `ikm_` + 43 characters, derived from the fixture user's key and e-mail. */
const seededToken = (key: string, email: string) =>
  tokenPrefix() + createHash('sha256').update(`ik-mirror seed:${key}:${email}`).digest('base64url');

/** What check() made sure the fixture has: a key it refers to by, or a known service. */
function known<V>(value: V | undefined, what: string): V {
  if (value === undefined) throw new Error(`The fixture names an unknown ${what}, which check() lets through`);
  return value;
}

function checkProducts(o: Organisation, i: number) {
  const methods = new Set((o.payment_methods ?? []).map((m) => m.key));
  (o.products ?? []).forEach((p, j) => {
    if (!serviceByName(p.service_name))
      throw invalidField(`organisations.${i}.products.${j}.service_name`, 'in', `Unknown service ${p.service_name}`);
    if (p.auto_renewal_method && !methods.has(p.auto_renewal_method))
      throw invalidField(
        `organisations.${i}.products.${j}.auto_renewal_method`,
        'exists',
        `No payment method with key ${p.auto_renewal_method}`,
      );
  });
}

function checkRenewals(o: Organisation, i: number) {
  const products = new Set((o.products ?? []).map((p) => p.key));
  const renewed = new Set<string>();
  (o.unpaid_renewals ?? []).forEach((r, j) => {
    if (!products.has(r.product))
      throw invalidField(
        `organisations.${i}.unpaid_renewals.${j}.product`,
        'exists',
        `No product with key ${r.product}`,
      );
    // A product has one renewal invoice per period.
    if (renewed.has(r.product))
      throw invalidField(
        `organisations.${i}.unpaid_renewals.${j}.product`,
        'distinct',
        `Product ${r.product} already has an unpaid renewal`,
      );
    renewed.add(r.product);
  });
}

function check(f: Fixture) {
  checkClockOffset('now', f.now - realNowSeconds());
  const users = new Set<string>();
  f.users.forEach((u, i) => {
    if (users.has(u.key)) throw invalidField(`users.${i}.key`, 'distinct', `User key ${u.key} is used twice`);
    users.add(u.key);
  });
  f.organisations.forEach((o, i) => {
    o.members.forEach((m, j) => {
      if (!users.has(m.user))
        throw invalidField(`organisations.${i}.members.${j}.user`, 'exists', `No user with key ${m.user}`);
    });
    if (!o.members.some((m) => m.role === 'owner'))
      throw invalidField(`organisations.${i}.members`, 'owner', 'An organisation needs an owner');
    checkProducts(o, i);
    checkRenewals(o, i);
  });
}

/** The users, each with a sign-in, an API token of every scope, and their first organisation as the current one. */
async function seedUsers(trx: Trx, hashed: HashedUser[], firstOrg: Map<string, number>, now: number) {
  const repo = seedRepository(trx);
  const users = new Map<string, { id: number; email: string }>();
  const seeded = [];
  for (const u of hashed) {
    const row = await people(trx).insert(
      {
        email: u.email.toLowerCase(),
        password_hash: u.password_hash,
        first_name: u.first_name,
        last_name: u.last_name,
        current_account_id: firstOrg.get(u.key) ?? null,
        email_checked: true,
      },
      now,
    );
    if (u.is_staff) await repo.markStaff(row.id);
    const token = seededToken(u.key, row.email);
    await repo.insertApiToken({
      user_id: row.id,
      name: 'seed',
      token_hash: hashToken(token),
      scopes: [...SCOPES],
      expired_at: null,
      created_at: now,
    });
    users.set(u.key, { id: row.id, email: row.email });
    seeded.push({ key: u.key, id: row.id, email: row.email, password: u.password, token });
  }
  return { users, seeded };
}

async function seedMembersAndTeams(
  trx: Trx,
  accountId: number,
  o: Organisation,
  users: Map<string, { id: number }>,
  now: number,
) {
  const repo = seedRepository(trx);
  for (const m of o.members) {
    await repo.insertMember({
      account_id: accountId,
      user_id: known(users.get(m.user), `user ${m.user}`).id,
      role_type: m.role,
      has_billing_access: m.role === 'owner' || (m.billing ?? false),
    });
  }
  for (const team of o.teams ?? []) {
    const teamId = await repo.insertTeam({
      account_id: accountId,
      name: team.name,
      created_at: now,
      updated_at: now,
    });
    for (const member of team.members) {
      const user = users.get(member);
      if (user) await repo.insertTeamMember(teamId, user.id);
    }
  }
}

/** The payment methods, by key; each behaves as its test number, phone or e-mail says. */
async function seedPaymentMethods(trx: Trx, accountId: number, o: Organisation, now: number) {
  const repo = seedRepository(trx);
  const methods = new Map<string, number>();
  for (const m of o.payment_methods ?? []) {
    const card = m.kind === 'card' ? m.identifier.replace(/\D/g, '') : '';
    const id = await repo.insertPaymentMethod({
      account_id: accountId,
      kind: m.kind,
      brand: m.kind === 'card' ? (detectBrand(card) ?? 'visa') : null,
      last4: m.kind === 'card' ? card.slice(-4) : null,
      exp_month: m.kind === 'card' ? 12 : null,
      exp_year: m.kind === 'card' ? new Date(now * 1000).getUTCFullYear() + 3 : null,
      label: m.kind === 'card' ? `Card •••• ${card.slice(-4)}` : `${m.kind} ${m.identifier}`,
      processor_token: tokenFor(behaviourOf(m.kind, m.kind === 'card' ? card : m.identifier)),
      created_at: now,
    });
    methods.set(m.key, id);
  }
  return methods;
}

/** The products, by key: created a year ago, expiring as the fixture says. */
async function seedProducts(trx: Trx, accountId: number, o: Organisation, methods: Map<string, number>, now: number) {
  const repo = seedRepository(trx);
  const products = new Map<string, SeededProduct>();
  for (const p of o.products ?? []) {
    const service = known(serviceByName(p.service_name), `service ${p.service_name}`);
    const fqdn = p.service_name === 'domain' ? p.customer_name : null;
    const row = await repo.insertProduct({
      account_id: accountId,
      service_id: service.id,
      service_name: service.name,
      customer_name: p.customer_name,
      internal_name: p.customer_name,
      fqdn,
      currency: o.currency,
      created_at: now - 365 * DAY,
      expired_at: p.expires_in_days === null ? null : now + p.expires_in_days * DAY,
      auto_renewal: p.auto_renewal_method !== undefined,
      auto_renewal_method_id: p.auto_renewal_method
        ? known(methods.get(p.auto_renewal_method), `payment method ${p.auto_renewal_method}`)
        : null,
    });
    products.set(p.key, {
      id: row.id,
      service_name: service.name,
      customer_name: p.customer_name,
      fqdn,
      expired_at: row.expired_at,
    });
  }
  return products;
}

/** The unpaid renewal invoices, at the price list's amount for the period asked. */
async function seedRenewals(
  trx: Trx,
  accountId: number,
  o: Organisation,
  products: Map<string, SeededProduct>,
  now: number,
) {
  const prices = await invoicesRepository(trx).pricesIn(o.currency);
  const invoices = [];
  for (const r of o.unpaid_renewals ?? []) {
    const product = known(products.get(r.product), `product ${r.product}`);
    const price = renewalPeriods(product, prices).find((x) => x.period_months === r.period_months);
    if (!price)
      throw invalidField(
        'unpaid_renewals',
        'in',
        `${product.customer_name} cannot be renewed for ${r.period_months} months`,
      );
    invoices.push(
      await issueRenewalInvoice(
        trx,
        accountId,
        o.currency,
        [{ product, period_months: r.period_months, amount: price.amount }],
        now,
      ),
    );
  }
  return invoices;
}

async function seedOrganisation(
  trx: Trx,
  accountId: number,
  o: Organisation,
  users: Map<string, { id: number }>,
  now: number,
) {
  const repo = seedRepository(trx);
  await seedMembersAndTeams(trx, accountId, o, users, now);
  const methods = await seedPaymentMethods(trx, accountId, o, now);
  const products = await seedProducts(trx, accountId, o, methods, now);
  const invoices = await seedRenewals(trx, accountId, o, products, now);
  if (o.prepaid_balance) {
    await repo.insertPrepaidEntry({
      account_id: accountId,
      amount: o.prepaid_balance,
      currency: o.currency,
      kind: 'credit',
      payment_id: null,
      description: 'Seeded balance',
      created_at: now,
    });
  }
  return {
    id: accountId,
    products: Object.fromEntries([...products].map(([k, v]) => [k, v.id])),
    payment_methods: Object.fromEntries(methods),
    invoice_ids: invoices,
  };
}

/** The status page's events, their days relative to the fixture's `now`. */
async function seedEvents(trx: Trx, f: Fixture) {
  const repo = eventsRepository(trx);
  for (const { starts_in_days, ends_in_days, ...e } of f.events ?? []) {
    const ended_at = ends_in_days === undefined || ends_in_days === null ? null : f.now + ends_in_days * DAY;
    await repo.insert(eventRow({ ...e, started_at: f.now + starts_in_days * DAY, ended_at }));
  }
}

/** Everything the fixture describes, in the transaction; the organisations come first so each user's current one is known. */
async function seedAll(trx: Trx, f: Fixture, hashed: HashedUser[]) {
  const repo = seedRepository(trx);
  const firstOrg = new Map<string, number>();
  const organisations = [];
  for (const o of f.organisations) {
    const id = await repo.insertAccount({
      name: o.name,
      currency: o.currency,
      created_at: f.now,
      updated_at: f.now,
    });
    for (const m of o.members) if (!firstOrg.has(m.user)) firstOrg.set(m.user, id);
    organisations.push({ id, o });
  }
  const { users, seeded } = await seedUsers(trx, hashed, firstOrg, f.now);
  const seededOrgs = [];
  for (const { id, o } of organisations)
    seededOrgs.push({ key: o.key, ...(await seedOrganisation(trx, id, o, users, f.now)) });
  await seedEvents(trx, f);
  return { users: seeded, organisations: seededOrgs };
}

export async function seed(db: Db, f: Fixture) {
  check(f);
  const hashed = await Promise.all(f.users.map(async (u) => ({ ...u, password_hash: await hashPassword(u.password) })));
  await resetData(db);
  const out = await inTransaction(db, async (trx) => {
    // With the clock pinned to the transaction, every column default stamps exactly the
    // fixture's time, and the clock reads it afterwards.
    await pinClockInTransaction(trx, f.now);
    return seedAll(trx, f, hashed);
  });
  await syncClock(db);
  return { now: f.now, ...out };
}
