import { sql } from 'kysely';
import type { Db } from '../src/db/database.js';
import { serviceByName } from '../src/modules/products/index.js';
import { insertMembers, seedOwner, type Owner } from './seed.js';

// The organisation the read routes are measured on, with what a real one holds (the demo
// fixture's shapes, more of them): 20 members, 10 products of several services with tags,
// 3 teams, 24 invoices (two years of monthly bills, most paid) with a line each, an invoicing
// address. The invoice list is answered whole (no page asked), as clients read it; long lists
// are the growth part's. Its owner belongs to it alone, so GET /1/accounts lists one
// organisation.

export const READ_ORG = { members: 20, products: 10, teams: 3, invoices: 24, tags: 4 };
const SERVICES = ['domain', 'domain', 'domain', 'web_hosting', 'web_hosting', 'email_hosting', 'email_hosting'];
const MORE_SERVICES = ['drive', 'ksuite', 'certificate'];
const SWITZERLAND = 203;
const DAY = 86_400;

export async function seedReadOrg(db: Db, tokenCount: number): Promise<Owner> {
  const owner = await seedOwner(db, 'reads', tokenCount);
  const a = owner.accountId;
  await insertMembers(db, a, READ_ORG.members - 1, 'reads');
  await db
    .insertInto('account_addresses')
    .values({
      account_id: a,
      street: 'Rue du Bench 1',
      zip: '1227',
      city: 'Genève',
      country_id: SWITZERLAND,
      for_invoice: true,
    })
    .execute();
  const productIds = await insertProducts(db, a);
  await insertTags(db, a, productIds);
  await insertTeams(db, a, owner.userId);
  await insertInvoices(db, a, productIds[0]);
  return owner;
}

async function insertProducts(db: Db, accountId: number): Promise<number[]> {
  const now = Math.floor(Date.now() / 1000);
  const rows = [...SERVICES, ...MORE_SERVICES].slice(0, READ_ORG.products).map((name, i) => {
    const service = serviceByName(name);
    if (!service) throw new Error(`unknown service ${name}`);
    const customer = name === 'domain' ? `bench-${i}.example` : `Bench ${name} ${i}`;
    return {
      account_id: accountId,
      service_id: service.id,
      service_name: service.name,
      customer_name: customer,
      internal_name: customer,
      fqdn: name === 'domain' ? customer : null,
      description: `Product ${i} of the read organisation`,
      currency: 'CHF' as const,
      created_at: now - 365 * DAY,
      expired_at: now + (30 + i * 20) * DAY,
    };
  });
  const inserted = await db.insertInto('products').values(rows).returning('id').execute();
  return inserted.map((r) => r.id);
}

async function insertTags(db: Db, accountId: number, productIds: number[]): Promise<void> {
  const names = ['production', 'staging', 'clients', 'internal'].slice(0, READ_ORG.tags);
  const tags = await db
    .insertInto('tags')
    .values(names.map((name, i) => ({ account_id: accountId, name, color: i + 1 })))
    .returning('id')
    .execute();
  const links = productIds.flatMap((productId, i) => [
    { product_id: productId, tag_id: tags[i % tags.length].id },
    ...(i % 3 === 0 ? [{ product_id: productId, tag_id: tags[(i + 1) % tags.length].id }] : []),
  ]);
  await db.insertInto('product_tags').values(links).execute();
}

/** Teams of the owner and a few members each (the org's members, round robin). */
async function insertTeams(db: Db, accountId: number, ownerId: number): Promise<void> {
  const names = ['Developers', 'Billing', 'Support'].slice(0, READ_ORG.teams);
  const teams = await db
    .insertInto('teams')
    .values(
      names.map((name, i) => ({
        account_id: accountId,
        name,
        color_id: i,
        owned_by_id: ownerId,
        created_by_id: ownerId,
      })),
    )
    .returning('id')
    .execute();
  const members = await db
    .selectFrom('account_members')
    .select('user_id')
    .where('account_id', '=', accountId)
    .execute();
  const rows = members.flatMap((m, i) => [{ team_id: teams[i % teams.length].id, user_id: m.user_id }]);
  await db.insertInto('team_members').values(rows).execute();
}

/** The invoices, one line each: three in four paid, the rest unpaid and due. */
async function insertInvoices(db: Db, accountId: number, productId: number): Promise<void> {
  const now = Math.floor(Date.now() / 1000);
  await sql`
    WITH made AS (
      INSERT INTO invoices (account_id, number, kind, status, currency, subtotal, vat_rate_bp, vat_amount, total, issued_at, due_at, paid_at)
      SELECT ${accountId}, 'READ-' || ${accountId} || '-' || g, 'renewal',
             CASE WHEN g % 4 = 0 THEN 'unpaid' ELSE 'paid' END, 'CHF', 1000 + g, 810, (1000 + g) * 81 / 1000,
             1000 + g + (1000 + g) * 81 / 1000, ${now} - g * ${DAY}, ${now} - g * ${DAY} + 30 * ${DAY},
             CASE WHEN g % 4 = 0 THEN NULL ELSE ${now} - g * ${DAY} + ${DAY} END
      FROM generate_series(1, ${READ_ORG.invoices}::int) AS g
      RETURNING id, subtotal
    )
    INSERT INTO invoice_lines (invoice_id, description, service_name, product_id, period_months, amount)
    SELECT id, 'Renewal, 12 months', 'domain', ${productId}, 12, subtotal FROM made`.execute(db);
}
