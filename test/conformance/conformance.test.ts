import t from 'tap';
import type { App } from '../factories/organisations.js';
import { buildTestApp, call } from '../helper.js';
import { ERRATA, unexplained, type Erratum } from './errata.js';
import { KNOWN_DIFFERENCES } from './known-differences.js';
import {
  inScopeOperations,
  officialDocument,
  officialValidator,
  responseSchemaPointer,
  type LocatedError,
  type OfficialOperation,
  type SchemaValidator,
} from './official-document.js';
import { RECIPES, type Recipe, type Request } from './recipes.js';
import { seedWorld, type World } from './world.js';

// Every in-scope official operation called on seeded data, each answer (the success, and the
// 401, 404 and 422 the document declares) validated against the official document's schema.
// Errors of the document are in errata.ts; an answer that differs is listed in
// known-differences.ts only while it is being settled (none is today: all 49 validate).

const doc = officialDocument();
const operations = inScopeOperations(doc);

interface Case {
  status: string;
  request: Request;
  anonymous?: boolean;
}

/** The calls of an operation: the success, then each error status the document declares. */
function casesOf(op: OfficialOperation, recipe: Recipe, w: World): Case[] {
  const success = op.statuses.find((s) => s.startsWith('2'))!;
  const cases: Case[] = [{ status: success, request: recipe.success(w) }];
  const declares = (status: string) => op.statuses.includes(status);
  if (declares('401')) cases.push({ status: '401', request: recipe.success(w), anonymous: true });
  if (declares('404') && typeof recipe.notFound === 'function')
    cases.push({ status: '404', request: recipe.notFound(w) });
  if (declares('422') && recipe.invalid) cases.push({ status: '422', request: recipe.invalid(w) });
  return cases;
}

const describe = (e: LocatedError) => `${e.instancePath || '/'} ${e.message} (document: ${e.schemaLocation})`;

/** The errors of an answer that no erratum explains, and the errata that explained some; an erratum naming the item schema has the items checked against it. */
function errorsOf(validate: SchemaValidator, schema: string, body: unknown): { errors: string[]; used: Erratum[] } {
  const { left, used } = unexplained(validate(schema, body));
  const items = used.flatMap((erratum) => {
    const list = (body as { data?: unknown }).data;
    if (!erratum.itemSchema || !Array.isArray(list)) return [];
    return list.flatMap((item, i) =>
      unexplained(validate(erratum.itemSchema!, item)).left.map((e) => ({
        ...e,
        instancePath: `/data/${i}${e.instancePath}`,
      })),
    );
  });
  return { errors: [...left, ...items].map(describe), used };
}

t.test('every in-scope official operation has a recipe', async (t) => {
  t.equal(operations.length, 49, 'the 49 operations the fidelity comparison counts');
  const keys = operations.map((op) => op.key);
  t.same(
    keys.filter((k) => !RECIPES[k]),
    [],
    'a recipe for every operation',
  );
  t.same(
    Object.keys(RECIPES).filter((k) => !keys.includes(k)),
    [],
    'every recipe is of an operation',
  );
  for (const op of operations.filter((op) => RECIPES[op.key])) {
    const recipe = RECIPES[op.key];
    if (op.statuses.includes('404')) t.ok(recipe.notFound, `${op.key}: a call that answers 404, or why none can`);
    if (op.statuses.includes('422')) t.ok(recipe.invalid, `${op.key}: a call that answers 422`);
  }
});

interface Outcome {
  /** `GET /1/accounts 200` */
  name: string;
  errors: string[];
  usedErrata: boolean;
}

/** Calls the operation in each of its cases and validates each answer. */
async function outcomesOf(
  app: App,
  w: World,
  op: OfficialOperation,
  validate: SchemaValidator,
  usedErrata: Set<Erratum>,
) {
  const outcomes: Outcome[] = [];
  for (const { status, request, anonymous } of casesOf(op, RECIPES[op.key], w)) {
    const res = await call(app, anonymous ? null : w.org.owner.token, request.method, request.url, request.body);
    const { errors, used } =
      String(res.statusCode) === status
        ? errorsOf(validate, responseSchemaPointer(doc, op, status), res.json())
        : { errors: [`answered ${res.statusCode}: ${res.body.slice(0, 300)}`], used: [] };
    for (const erratum of used) usedErrata.add(erratum);
    outcomes.push({ name: `${op.key} ${status}`, errors, usedErrata: used.length > 0 });
  }
  return outcomes;
}

t.test('every answer validates against the official document, but for errata and known differences', async (t) => {
  const app = await buildTestApp(t);
  const w = await seedWorld(app);
  const validate = officialValidator(doc);
  const usedErrata = new Set<Erratum>();
  const known = new Set(KNOWN_DIFFERENCES.map((d) => `${d.operation} ${d.status}`));
  const called: string[] = [];
  const counts = { asIs: 0, withErrata: 0, differ: 0 };

  // In the document's order, one after the other: some calls change what later ones read.
  for (const op of operations.filter((op) => RECIPES[op.key])) {
    const outcomes = await outcomesOf(app, w, op, validate, usedErrata);
    for (const { name, errors } of outcomes) {
      called.push(name);
      if (known.has(name))
        t.not(errors.length, 0, `${name} still differs (known difference): else remove it from the list`);
      else t.same(errors, [], `${name} validates`);
    }
    if (outcomes.some((o) => o.errors.length)) counts.differ++;
    else if (outcomes.some((o) => o.usedErrata)) counts.withErrata++;
    else counts.asIs++;
  }

  t.same(
    [...known].filter((k) => !called.includes(k)),
    [],
    'every known difference names a call the test makes',
  );
  t.same(
    ERRATA.filter((e) => !usedErrata.has(e)).map((e) => e.reason),
    [],
    'every erratum still explains an error (else it is stale: remove it)',
  );
  t.comment(
    `of ${operations.length} operations: ${counts.asIs} validate as is, ${counts.withErrata} with errata, ` +
      `${counts.differ} differ`,
  );
});
