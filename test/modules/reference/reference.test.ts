import t from 'tap';
import { bearer, buildTestApp } from '../../helper.js';
import { createUser } from '../../factories/users.js';
import { upstreamKeys } from './upstream.js';

interface FieldError {
  code: string;
  context: { attribute: string; values?: unknown[] };
}

t.test('reference catalogues', async (t) => {
  const app = await buildTestApp(t);
  const u = await createUser(app.db);
  const get = (url: string, headers: Record<string, string> = bearer(u.token)) =>
    app.inject({ method: 'GET', url, headers });
  const names = (data: { name: string }[]) => data.map((d) => d.name);

  t.test('every item carries exactly the official field names', async (t) => {
    const cases: [string, string, string][] = [
      ['/1/languages', '/1/languages/{language_id}', '/1/languages/2'],
      ['/1/countries', '/1/countries/{country_id}', '/1/countries/203'],
      ['/1/timezones', '/1/timezones/{timezone_id}', '/1/timezones/414'],
      // Upstream documents the single action's data as a bare object: the list item's fields apply.
      ['/1/actions', '/1/actions', '/1/actions/1'],
    ];
    for (const [list, single, url] of cases) {
      const expected = upstreamKeys('get', list);
      t.ok(expected.length >= 3, `upstream documents the fields of ${list}`);
      t.same(
        upstreamKeys('get', single),
        single === list ? expected : upstreamKeys('get', single),
        `${single} matches its list`,
      );
      const res = await get(`${list}?per_page=1000`);
      t.equal(res.statusCode, 200, list);
      const body = res.json();
      t.equal(body.result, 'success');
      t.ok(body.data.length > 0);
      for (const item of body.data) t.same(Object.keys(item).sort(), expected, `${list} item ${item.id}`);
      const one = await get(url);
      t.equal(one.statusCode, 200, url);
      t.same(Object.keys(one.json().data).sort(), expected, url);
    }
  });

  t.test('languages: the five locales, ids as upstream', async (t) => {
    const res = await get('/1/languages');
    const body = res.json();
    t.equal(body.total, 5);
    t.same(
      body.data.map((l: { id: number; locale: string }) => [l.id, l.locale]),
      [
        [1, 'fr_FR'],
        [2, 'en_GB'],
        [3, 'de_DE'],
        [4, 'it_IT'],
        [5, 'es_ES'],
      ],
    );
    t.same(body.data[0], { id: 1, name: 'French', short_name: 'FR', locale: 'fr_FR', short_locale: 'fr' });
    // Without page or limit the largest page size applies, and items_per_page says it (not how many came).
    t.same([body.page, body.pages, body.items_per_page], [1, 1, 1000]);
    const one = await get('/1/languages/4');
    t.same(one.json(), {
      result: 'success',
      data: { id: 4, name: 'Italian', short_name: 'IT', locale: 'it_IT', short_locale: 'it' },
    });
  });

  t.test('countries: all 249, Switzerland is 203', async (t) => {
    const res = await get('/1/countries?return=total');
    t.same(res.json(), { result: 'success', data: 249 });
    const ch = await get('/1/countries/203');
    t.same(ch.json().data, { id: 203, name: 'SWITZERLAND', short_name: 'CH', is_enabled: true });
    const all = (await get('/1/countries?per_page=1000')).json();
    t.equal(all.total, 249);
    t.equal(all.data.length, 249);
    t.equal(new Set(all.data.map((c: { short_name: string }) => c.short_name)).size, 249, 'codes are unique');
    t.same(
      all.data.map((c: { id: number }) => c.id),
      Array.from({ length: 249 }, (_, i) => i + 1),
      'ordered by id by default',
    );
  });

  t.test('timezones: Europe/Zurich is 414', async (t) => {
    const res = await get('/1/timezones/414');
    t.same(res.json().data, { id: 414, name: 'Europe/Zurich', gmt: '+01:00' });
    const found = (await get('/1/timezones?search=zurich')).json();
    t.same(found.data, [{ id: 414, name: 'Europe/Zurich', gmt: '+01:00' }]);
    t.equal(found.total, 1);
    const utc = (await get('/1/timezones?search=UTC')).json();
    t.ok(utc.data.some((z: { name: string; gmt: string }) => z.name === 'UTC' && z.gmt === '+00:00'));
  });

  t.test('actions: the activity codes', async (t) => {
    const one = await get('/1/actions/2');
    t.same(one.json().data, { id: 2, code: 'login_success', description: 'The user logged in successfully.' });
    const found = (await get('/1/actions?search=login_fail')).json();
    t.ok(found.data.length >= 1);
    for (const a of found.data) t.match(`${a.code} ${a.description}`.toLowerCase(), /login_fail/);
    const total = (await get('/1/actions?return=total')).json();
    t.ok(Number.isInteger(total.data) && total.data >= 65, `${total.data} action codes`);
  });

  t.test('page and per_page', async (t) => {
    const p5 = (await get('/1/countries?per_page=50&page=5')).json();
    t.equal(p5.data.length, 49);
    t.same([p5.total, p5.page, p5.pages, p5.items_per_page], [249, 5, 5, 50]);
    t.equal(p5.data[0].id, 201);
    t.equal(p5.data[48].id, 249);
    const p1 = (await get('/1/countries?per_page=50')).json();
    t.same([p1.data.length, p1.page, p1.pages], [50, 1, 5]);
    const defaultPerPage = (await get('/1/countries?page=2')).json();
    t.same([defaultPerPage.data.length, defaultPerPage.items_per_page, defaultPerPage.pages], [10, 10, 25]);
    t.equal(defaultPerPage.data[0].id, 11);
    const beyond = (await get('/1/countries?per_page=50&page=6')).json();
    t.same([beyond.data, beyond.total, beyond.page], [[], 249, 6]);
  });

  t.test('limit and skip', async (t) => {
    const res = (await get('/1/countries?limit=10&skip=20')).json();
    t.same(
      res.data.map((c: { id: number }) => c.id),
      [21, 22, 23, 24, 25, 26, 27, 28, 29, 30],
    );
    t.same([res.total, res.page, res.pages, res.items_per_page], [249, 3, 25, 10]);
    const tail = (await get('/1/languages?skip=3')).json();
    t.same(
      tail.data.map((l: { id: number }) => l.id),
      [4, 5],
    );
    t.equal(tail.total, 5);
  });

  t.test('return=total gives the count as data', async (t) => {
    t.same((await get('/1/languages?return=total')).json(), { result: 'success', data: 5 });
    t.same(
      (await get('/1/timezones?return=total&search=europe/')).json().data,
      (await get('/1/timezones?search=europe/&per_page=1000')).json().total,
    );
    const bogus = await get('/1/languages?return=everything');
    t.equal(bogus.statusCode, 422);
    t.equal(bogus.json().error.errors[0].context.attribute, 'return');
  });

  t.test('ordering', async (t) => {
    const desc = (await get('/1/languages?order_by=name&order=desc')).json();
    t.same(names(desc.data), ['Spanish', 'Italian', 'German', 'French', 'English']);
    const asc = (await get('/1/languages?order_by=name')).json();
    t.same(names(asc.data), ['English', 'French', 'German', 'Italian', 'Spanish']);
    const orderFor = (await get('/1/languages?order_for[name]=desc')).json();
    t.same(names(orderFor.data), ['Spanish', 'Italian', 'German', 'French', 'English']);
    const byLocale = (await get('/1/languages?order_by=locale&order=desc')).json();
    t.same(
      byLocale.data.map((l: { locale: string }) => l.locale),
      ['it_IT', 'fr_FR', 'es_ES', 'en_GB', 'de_DE'],
    );

    const countries = (await get('/1/countries?order_by=name&per_page=3')).json();
    // Accents do not push a name to the end: Åland sorts with the A's, as upstream's collation does.
    t.same(names(countries.data), ['AFGHANISTAN', 'ÅLAND ISLANDS', 'ALBANIA']);
    const last = (await get('/1/countries?order_for[name]=desc&per_page=2')).json();
    t.same(names(last.data), ['ZIMBABWE', 'ZAMBIA']);
    const byCode = (await get('/1/countries?order_by=short_name&order=desc&per_page=1')).json();
    t.equal(byCode.data[0].short_name, 'ZW');

    const tz = (await get('/1/timezones?order_by=name&order=desc&per_page=1')).json();
    t.equal(tz.data[0].name, 'UTC');
  });

  t.test('an unknown sort field is a 422 listing the sortable ones', async (t) => {
    for (const url of ['/1/countries?order_by=unknown', '/1/languages?order_for[password]=asc']) {
      const res = await get(url);
      t.equal(res.statusCode, 422, url);
      const body = res.json();
      t.equal(body.error.code, 'validation_failed');
      const err = body.error.errors[0] as FieldError;
      t.equal(err.code, 'validation_rule_in');
      t.equal(err.context.attribute, 'order_by');
      t.ok(
        Array.isArray(err.context.values) && err.context.values.includes('name'),
        `values: ${JSON.stringify(err.context.values)}`,
      );
      t.notOk(err.context.values!.includes('unknown'));
    }
    const bad = await get('/1/languages?order_by=name&order=sideways');
    t.equal(bad.statusCode, 422);
    t.same(bad.json().error.errors[0].context, { attribute: 'order', values: ['asc', 'desc'] });
  });

  t.test('a window beyond 10000 results is refused', async (t) => {
    const res = await get('/1/countries?page=11&per_page=1000');
    t.equal(res.statusCode, 400);
    t.equal(res.json().error.code, 'results_set_too_large_error');
    const edge = await get('/1/countries?page=10&per_page=1000');
    t.equal(edge.statusCode, 200, 'exactly 10000 is allowed');
    t.same(edge.json().data, []);
    const tooMany = await get('/1/countries?per_page=1001');
    t.equal(tooMany.statusCode, 422);
    t.equal(tooMany.json().error.errors[0].context.attribute, 'per_page');
  });

  t.test('search', async (t) => {
    const swit = (await get('/1/countries?search=swit')).json();
    t.same(swit.data, [{ id: 203, name: 'SWITZERLAND', short_name: 'CH', is_enabled: true }]);
    t.equal(swit.total, 1);
    const byCode = (await get('/1/countries?search=CH')).json();
    t.ok(
      byCode.data.some((c: { id: number }) => c.id === 203),
      'the ISO code matches too',
    );
    for (const c of byCode.data) t.ok(c.name.includes('CH') || c.short_name === 'CH', c.name);
    const accent = (await get('/1/countries?search=aland%20isl')).json();
    t.same(names(accent.data), ['ÅLAND ISLANDS'], 'accents are ignored as upstream does');
    const curacao = (await get('/1/countries?search=Curacao')).json();
    t.same(
      curacao.data.map((c: { short_name: string }) => c.short_name),
      ['CW'],
    );
    const none = (await get('/1/countries?search=atlantis')).json();
    t.same([none.data, none.total], [[], 0]);
    const paged = (await get('/1/countries?search=island&per_page=2&page=2')).json();
    t.equal(paged.data.length, 2);
    t.ok(paged.total > 4);
    t.equal(paged.pages, Math.ceil(paged.total / 2));
  });

  t.test('only_enabled', async (t) => {
    const res = (await get('/1/countries?only_enabled=true&per_page=1000')).json();
    t.equal(res.total, 249, 'every country is enabled');
    t.ok(res.data.every((c: { is_enabled: boolean }) => c.is_enabled));
    const withException = await get('/1/countries?only_enabled=true&only_enabled_exception[]=203&search=swit');
    t.equal(withException.statusCode, 200);
    t.equal(withException.json().total, 1);
    const bad = await get('/1/countries?only_enabled=maybe');
    t.equal(bad.statusCode, 422);
    t.equal(bad.json().error.errors[0].context.attribute, 'only_enabled');
  });

  t.test('unknown ids are 404 object_not_found', async (t) => {
    for (const url of ['/1/languages/6', '/1/countries/250', '/1/timezones/99999', '/1/actions/100000']) {
      const res = await get(url);
      t.equal(res.statusCode, 404, url);
      t.equal(res.json().result, 'error');
      t.equal(res.json().error.code, 'object_not_found', url);
    }
  });

  t.test('non-numeric ids are 422 naming the parameter', async (t) => {
    const cases: [string, string][] = [
      ['/1/languages/fr', 'language_id'],
      ['/1/countries/CH', 'country_id'],
      ['/1/timezones/Europe', 'timezone_id'],
      ['/1/actions/login', 'action_id'],
      ['/1/languages/0', 'language_id'],
      ['/1/countries/-3', 'country_id'],
    ];
    for (const [url, attribute] of cases) {
      const res = await get(url);
      t.equal(res.statusCode, 422, url);
      const body = res.json();
      t.equal(body.error.code, 'validation_failed');
      t.same(
        body.error.errors.map((e: FieldError) => e.context.attribute),
        [attribute],
        url,
      );
    }
  });

  t.test('a token is required', async (t) => {
    for (const url of [
      '/1/languages',
      '/1/languages/1',
      '/1/countries',
      '/1/countries/203',
      '/1/timezones',
      '/1/timezones/414',
      '/1/actions',
      '/1/actions/1',
    ]) {
      const res = await get(url, {});
      t.equal(res.statusCode, 401, url);
      t.equal(res.json().error.code, 'not_authorized');
      const bad = await get(url, bearer('ikm_not-a-real-token'));
      t.equal(bad.statusCode, 401, `${url} with an unknown token`);
    }
  });

  t.test('any scope may read them', async (t) => {
    const billingOnly = await createUser(app.db, { scopes: ['billing'] });
    const res = await get('/1/languages/1', bearer(billingOnly.token));
    t.equal(res.statusCode, 200);
  });

  t.test('without a version, the latest answers', async (t) => {
    const res = await get('/countries/203');
    t.equal(res.statusCode, 200);
    t.equal(res.json().data.short_name, 'CH');
  });
});
