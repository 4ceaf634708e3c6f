import t from 'tap';
import type { Page } from 'playwright-core';
import { CARDS, saveCard } from '../factories/billing.js';
import { createMember, nowS } from '../factories/organisations.js';
import {
  addDomain,
  admin,
  attemptsUrl,
  clockTo,
  autoRenewalUrl,
  DAY,
  productAutoRenewalUrl,
} from '../factories/renewals.js';
import { createUser } from '../factories/users.js';
import { apiAs, freshPage, listeningMirror, screenshot, signIn, withBrowser } from './manager-browser.js';

// The Manager's auto-renewal pages in Chromium, as the help articles walk them: one product
// off from its ⋮ menu and on again, "select all → Gérer les renouvellements → Désactiver", the
// API's refusals shown for the products it refused, the renewal run's attempts; each step
// checked through the API.

t.setTimeout(180_000);

interface Renewal {
  product_id: number;
  customer_name: string;
  enabled: boolean;
}

await withBrowser(t, async (browser) => {
  const mirror = await listeningMirror(t);
  const { db } = mirror.app;
  const owner = await createUser(db, { first_name: 'Rita', last_name: 'Renew' });
  const A = owner.accountId;
  const api = apiAs(mirror, owner.token);
  const path = `/manager/accounts/${A}/accounting/renewals`;

  // soon.ch renews with a declining card: moving the clock a week on makes the run fail to
  // charge it (one attempt to show); the others renew with the good card, the latest one.
  const soon = await addDomain(db, A, 20, 'soon.ch');
  const declining = await saveCard(mirror.app, owner.token, A, CARDS.declined);
  await api('PUT', productAutoRenewalUrl(A, soon), { enabled: true, payment_method_id: declining });
  await saveCard(mirror.app, owner.token, A, CARDS.visa);
  const alpha = await addDomain(db, A, 90, 'alpha.ch');
  const bravo = await addDomain(db, A, 120, 'bravo.ch');
  await addDomain(db, A, 10, 'late.ch');
  for (const id of [alpha, bravo]) await api('PUT', productAutoRenewalUrl(A, id), { enabled: true });
  const run = await clockTo(mirror.app, nowS() + 7 * DAY);
  await admin(mirror.app, 'PUT', '/_mirror/clock', { reset: true });

  const states = async () => {
    const res = await api<Renewal[]>('GET', autoRenewalUrl(A));
    return Object.fromEntries(res.data.map((r) => [r.customer_name, r.enabled]));
  };
  const menuAction = async (page: Page, name: string, action: string) => {
    await page.getByLabel(`Actions – ${name}`).click();
    await page.getByRole('button', { name: `${action} auto-renewal – ${name}` }).click();
  };

  t.test('the page: each product with its state, price and next attempt, and the failed attempt', async (t) => {
    const attempts = await api<{ product_id: number; status: string }[]>('GET', attemptsUrl(A));
    t.match(run.renewals, { failed: 1 }, 'the run, a week on, failed to charge soon.ch');
    t.match(attempts.data, [{ product_id: soon, status: 'failed' }], 'its attempt');
    const { page, noConsoleErrors } = await freshPage(t, browser);
    await signIn(page, mirror, owner, path);
    t.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Auto-renewal', 'on the page');
    const products = page.getByRole('region', { name: 'Products' });
    const alphaRow = products.getByRole('row').filter({ hasText: 'alpha.ch' });
    t.match(
      await alphaRow.textContent(),
      /On.*Visa •••• 4242.*12 months.*CHF/,
      'alpha.ch: on, its card, period, price',
    );
    t.match(await products.getByRole('row').filter({ hasText: 'late.ch' }).textContent(), /Off/, 'late.ch off');
    const lastAttempts = page.getByRole('region', { name: 'Last renewal attempts' });
    t.match(await lastAttempts.getByRole('row').nth(1).textContent(), /soon\.ch.*Failed.*Card declined/, 'why');
    await screenshot(page, 'renewals-list');
    noConsoleErrors();
  });

  t.test('⋮ → deactivate one product, then activate it again', async (t) => {
    const { page, noConsoleErrors } = await freshPage(t, browser);
    await signIn(page, mirror, owner, path);
    await menuAction(page, 'alpha.ch', 'Deactivate');
    await page.getByRole('status').waitFor();
    t.match(await page.getByRole('region', { name: 'Result' }).textContent(), /alpha\.ch.*deactivated/, 'said');
    t.match(await states(), { 'alpha.ch': false, 'bravo.ch': true }, 'the API sees alpha.ch off, only');

    await menuAction(page, 'alpha.ch', 'Activate');
    await page.getByRole('region', { name: 'Result' }).getByText('Auto-renewal activated').waitFor();
    t.match(await states(), { 'alpha.ch': true }, 'the API sees alpha.ch on again');
    noConsoleErrors();
  });

  t.test('⋮ → activate a product too close to expiry: the API refuses, the page says why', async (t) => {
    const { page, noConsoleErrors } = await freshPage(t, browser);
    await signIn(page, mirror, owner, path);
    await menuAction(page, 'late.ch', 'Activate');
    await page.getByRole('alert').waitFor();
    t.match(await page.getByRole('region', { name: 'Result' }).textContent(), /late\.ch.*Refused: .*renew it by hand/);
    t.match(await states(), { 'late.ch': false }, 'still off');
    noConsoleErrors();
  });

  t.test('select all → Manage the renewals → deactivate: every product off', async (t) => {
    const { page, noConsoleErrors } = await freshPage(t, browser);
    await signIn(page, mirror, owner, path);
    await page.getByRole('button', { name: 'Select all' }).click();
    await page.waitForURL(/select=all/);
    for (const name of ['alpha.ch', 'bravo.ch', 'late.ch', 'soon.ch'])
      t.ok(await page.getByLabel(`Select – ${name}`).isChecked(), `${name} selected`);
    await page.getByRole('button', { name: 'Manage the renewals' }).click();
    await page.getByRole('heading', { name: 'Selected products (4)' }).waitFor();
    await screenshot(page, 'renewals-manage');
    await page.getByRole('button', { name: 'Deactivate auto-renewal' }).click();
    await page.getByRole('status').waitFor();
    t.equal(
      await page.getByRole('status').textContent(),
      'Changed: 3. Unchanged: 1. Refused: 0.',
      'three were on, late.ch was off',
    );
    t.same(
      await states(),
      { 'alpha.ch': false, 'bravo.ch': false, 'late.ch': false, 'soon.ch': false },
      'the API sees every product off',
    );
    noConsoleErrors();
  });

  t.test('a selection → Manage the renewals → activate: the API refuses one, the page says which', async (t) => {
    const { page, noConsoleErrors } = await freshPage(t, browser);
    await signIn(page, mirror, owner, path);
    for (const name of ['alpha.ch', 'late.ch']) await page.getByLabel(`Select – ${name}`).check();
    await page.getByRole('button', { name: 'Manage the renewals' }).click();
    await page.getByRole('button', { name: 'Activate auto-renewal', exact: true }).click();
    await page.getByRole('alert').waitFor();
    t.equal(await page.getByRole('alert').textContent(), 'Changed: 1. Unchanged: 0. Refused: 1.', 'one refused');
    const result = page.getByRole('region', { name: 'Result' });
    t.match(await result.getByRole('row').filter({ hasText: 'alpha.ch' }).textContent(), /activated/);
    t.match(await result.getByRole('row').filter({ hasText: 'late.ch' }).textContent(), /Refused: .*14 days/);
    await screenshot(page, 'renewals-refused');
    t.match(await states(), { 'alpha.ch': true, 'late.ch': false, 'bravo.ch': false }, 'the API: alpha.ch only');
    noConsoleErrors();
  });

  t.test('in French, an administrator: "Renouvellement auto", ⋮ → Activer', async (t) => {
    const ada = await createMember(db, A, 'admin', { first_name: 'Ada' });
    await apiAs(mirror, ada.token)('PATCH', '/2/profile', { language_id: 1 });
    const { page, noConsoleErrors } = await freshPage(t, browser, 'fr-CH');
    await signIn(page, mirror, ada, path);
    t.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Renouvellement auto', 'the page in French');
    await page.getByRole('button', { name: 'Gérer les renouvellements' }).waitFor();
    await page.getByLabel('Actions – bravo.ch').click();
    await page.getByRole('button', { name: 'Activer le renouvellement automatique – bravo.ch' }).click();
    await page.getByRole('region', { name: 'Résultat' }).getByText('Renouvellement automatique activé').waitFor();
    t.match(await states(), { 'bravo.ch': true }, 'the API sees bravo.ch on');
    await screenshot(page, 'renewals-fr');
    noConsoleErrors();
  });

  t.test('a member without billing access reads the refusal; another organisation is not found', async (t) => {
    const nora = await createMember(db, A, 'normal', { first_name: 'Nora' });
    const { page, noConsoleErrors } = await freshPage(t, browser);
    await signIn(page, mirror, nora, path);
    t.match(await page.getByRole('alert').textContent(), /Billing is reserved/, "the API's words");
    const other = await createUser(db);
    await page.goto(`${mirror.url}/manager/accounts/${other.accountId}/accounting/renewals`);
    t.equal(
      await page.getByRole('alert').textContent(),
      'This page does not exist, or you may not see it.',
      'not found',
    );
    noConsoleErrors();
  });
});
