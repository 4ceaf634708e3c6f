import t from 'tap';
import { unexplained } from './errata.js';
import type { LocatedError } from './official-document.js';

// The errata for a null where the document has a plain type hide that null only: a value of
// another wrong type at the same place, or a null at a place they do not name, still fails.

const WEBSITE = '/components/schemas/087adaad_Account/properties/website/type';

const typeError = (schemaLocation: string, data: unknown): LocatedError => ({
  schemaLocation,
  keyword: 'type',
  instancePath: '/data/website',
  message: 'must be string',
  params: { type: 'string' },
  parentSchema: { type: 'string' },
  data,
});

const explained = (e: LocatedError) => unexplained([e]).left.length === 0;

t.test('a null where the document forgot nullable is explained', async (t) => {
  t.ok(explained(typeError(WEBSITE, null)), 'Account website');
  t.ok(explained(typeError('/components/schemas/087adaad_TeamUser/properties/last_login_at/type', null)));
  t.ok(explained(typeError('/components/schemas/087adaad_Userorpendinguser/properties/last_login_at/type', null)));
});

t.test('a value of a wrong type is not, nor a null elsewhere', async (t) => {
  for (const data of [42, false, {}, [], ''])
    t.notOk(explained(typeError(WEBSITE, data)), `website ${JSON.stringify(data)}`);
  t.notOk(explained(typeError('/components/schemas/087adaad_Account/properties/name/type', null)), 'name');
  t.notOk(explained(typeError('/components/schemas/087adaad_User/properties/website/type', null)), 'another schema');
  t.notOk(explained({ ...typeError(WEBSITE, null), keyword: 'enum' }), 'another keyword');
});
