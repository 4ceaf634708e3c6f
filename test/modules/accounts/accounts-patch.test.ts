import t from 'tap';
import { bearer, buildTestApp, needsPostgres, testDatabase } from '../../helper.js';
import { createUser, type TestUser } from '../../factories/users.js';
import { type App, createMember } from '../../factories/organisations.js';
import { countries } from '../../../src/modules/reference/catalogues.js';

const patch = (app: App, u: TestUser, accountId: number, payload: unknown) =>
  app.inject({
    method: 'PATCH',
    url: `/1/accounts/${accountId}`,
    headers: bearer(u.token),
    payload: payload as object,
  });
const read = async (app: App, u: TestUser, accountId: number) =>
  (await app.inject({ method: 'GET', url: `/1/accounts/${accountId}`, headers: bearer(u.token) })).json().data;
const attributes = (res: { json(): { error: { errors?: { context: { attribute: string } }[] } } }) =>
  (res.json().error.errors ?? []).map((e) => e.context.attribute);

const database = await testDatabase(t);

t.test('PATCH /1/accounts/:account_id', async (t) => {
  const app = await buildTestApp(t, { database });
  const ch = countries.all.find((c) => c.short_name === 'CH')!;
  const fr = countries.all.find((c) => c.short_name === 'FR')!;

  t.test('the owner changes every detail; GET shows them', async (t) => {
    const owner = await createUser(app.db);
    const body = {
      name: 'Hopper Labs',
      legal_entity_type: 'company',
      timezone: 'Europe/Paris',
      locale: 'it_IT',
      vat_number: 'CHE-123.456.789',
      website: 'https://hopper.example',
      phone: '+41790000000',
      fax: '+41220000000',
      field1: 'ref-1',
      field2: 'ref-2',
      has_2fa_required: true,
      currency: 'EUR',
      addresses: [
        { street: 'Rue du Rhône 1', zip: '1204', city: 'Genève', country_id: ch.id, for_invoice: true },
        {
          street: '5 rue de Rivoli',
          street2: 'Bâtiment B',
          zip: '75001',
          city: 'Paris',
          country_id: fr.id,
          type: 'personal',
        },
      ],
    };
    const res = await patch(app, owner, owner.accountId, body);
    t.equal(res.statusCode, 200, res.body);
    const account = res.json().data;
    t.match(account, {
      id: owner.accountId,
      name: 'Hopper Labs',
      legal_entity_type: 'company',
      timezone: 'Europe/Paris',
      locale: 'it_IT',
      language: 'it',
      language_id: 4,
      vat_number: 'CHE-123.456.789',
      website: 'https://hopper.example',
      phone: '+41790000000',
      fax: '+41220000000',
      field1: 'ref-1',
      field2: 'ref-2',
      has_2fa_required: true,
      currency: 'EUR',
      type: 'owner',
    });
    t.match(account.addresses, [
      {
        street: 'Rue du Rhône 1',
        street2: null,
        zip: '1204',
        city: 'Genève',
        type: 'professional',
        for_invoice: true,
        country: { id: ch.id, short_name: 'CH' },
      },
      {
        street: '5 rue de Rivoli',
        street2: 'Bâtiment B',
        zip: '75001',
        city: 'Paris',
        type: 'personal',
        for_invoice: false,
        country: { id: fr.id, name: fr.name, short_name: 'FR', is_enabled: fr.is_enabled },
      },
    ]);
    t.same(Object.keys(account.addresses[0]).sort(), [
      'city',
      'country',
      'created_at',
      'for_invoice',
      'id',
      'street',
      'street2',
      'type',
      'zip',
    ]);
    t.same(await read(app, owner, owner.accountId), account, 'GET answers what PATCH returned');
  });

  t.test('addresses replace the whole list; fields left out are kept; null clears', async (t) => {
    const owner = await createUser(app.db);
    await patch(app, owner, owner.accountId, {
      website: 'https://a.example',
      addresses: [
        { street: 'A 1', zip: '1000', city: 'Lausanne', country_id: ch.id },
        { street: 'B 2', zip: '1000', city: 'Lausanne', country_id: ch.id },
      ],
    });
    const replaced = (
      await patch(app, owner, owner.accountId, {
        addresses: [{ street: 'C 3', zip: '8000', city: 'Zürich', country_id: ch.id }],
      })
    ).json().data;
    t.same(
      replaced.addresses.map((a: { street: string }) => a.street),
      ['C 3'],
    );
    t.equal(replaced.website, 'https://a.example', 'a field left out keeps its value');
    const rows = await app.db
      .selectFrom('account_addresses')
      .select('street')
      .where('account_id', '=', owner.accountId)
      .execute();
    t.same(
      rows.map((r) => r.street),
      ['C 3'],
      'the old addresses are gone from the table',
    );

    const cleared = (await patch(app, owner, owner.accountId, { website: null, addresses: [] })).json().data;
    t.equal(cleared.website, null);
    t.same(cleared.addresses, []);
    const unchanged = await patch(app, owner, owner.accountId, {});
    t.equal(unchanged.statusCode, 200);
    t.same(unchanged.json().data, cleared, 'an empty patch changes nothing');
  });

  t.test('bad reference values are 422 naming each field, and nothing changes', async (t) => {
    const owner = await createUser(app.db);
    const before = await read(app, owner, owner.accountId);
    const res = await patch(app, owner, owner.accountId, {
      name: 'Should not stick',
      timezone: 'Mars/Olympus',
      locale: 'xx_XX',
      addresses: [
        { street: 'A 1', zip: '1000', city: 'Lausanne', country_id: ch.id },
        { street: 'B', zip: '1', city: 'X', country_id: 99999 },
      ],
    });
    t.equal(res.statusCode, 422);
    t.equal(res.json().error.code, 'validation_failed');
    t.same(attributes(res).sort(), ['addresses.1.country_id', 'locale', 'timezone']);
    t.same(await read(app, owner, owner.accountId), before);

    const schema = await patch(app, owner, owner.accountId, {
      legal_entity_type: 'empire',
      currency: 'USD',
      name: '',
      owner_id: 1,
    });
    t.equal(schema.statusCode, 422);
    t.same(attributes(schema).sort(), ['currency', 'legal_entity_type', 'name', 'owner_id']);
    const missing = await patch(app, owner, owner.accountId, { addresses: [{ street: 'A' }] });
    t.same(attributes(missing).sort(), ['addresses.0.city', 'addresses.0.country_id', 'addresses.0.zip']);
  });

  t.test('only an owner: an admin or a normal member gets 403 access_denied', async (t) => {
    const owner = await createUser(app.db);
    const admin = await createMember(app.db, owner.accountId, 'admin', { has_billing_access: true });
    const normal = await createMember(app.db, owner.accountId, 'normal');
    for (const u of [admin, normal]) {
      const res = await patch(app, u, owner.accountId, { name: 'Taken over' });
      t.equal(res.statusCode, 403);
      t.match(res.json().error, { code: 'access_denied', context: { required_role: 'owner' } });
    }
    t.not((await read(app, owner, owner.accountId)).name, 'Taken over');
    const coOwner = await createMember(app.db, owner.accountId, 'owner');
    t.equal((await patch(app, coOwner, owner.accountId, { name: 'Co-owned' })).statusCode, 200, 'any owner may');
  });

  t.test(
    'concurrent patches leave one consistent address list',
    needsPostgres('the lock serialising overlapping patches is what is tested'),
    async (t) => {
      const owner = await createUser(app.db);
      const lists = [0, 1, 2, 3].map((i) =>
        [1, 2, 3].map((n) => ({ street: `S${i}-${n}`, zip: '1000', city: 'Bern', country_id: ch.id })),
      );
      const results = await Promise.all(lists.map((addresses) => patch(app, owner, owner.accountId, { addresses })));
      t.same(
        results.map((r) => r.statusCode),
        [200, 200, 200, 200],
      );
      const streets = (await read(app, owner, owner.accountId)).addresses.map((a: { street: string }) => a.street);
      t.equal(streets.length, 3, 'never a mix or a doubling of two lists');
      t.equal(new Set(streets.map((s: string) => s.split('-')[0])).size, 1);
    },
  );
});
