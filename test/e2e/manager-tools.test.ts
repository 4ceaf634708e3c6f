import t, { type Test } from 'tap';
import type { Browser } from 'playwright-core';
import { createUser, type TestUser } from '../factories/users.js';
import { ADMIN_TOKEN, buildTestApp } from '../helper.js';
import { apiAs, freshPage, listeningMirror, screenshot, signIn, withBrowser, type Mirror } from './manager-browser.js';

// The Manager's test tools in Chromium: the lock (a wrong admin token refused, the right one
// opening them), the outbox as an inbox, the clock, fault rules, snapshots, sandboxes and the
// request journal; each step checked through the API and the control plane.

t.setTimeout(240_000);

/** A fresh browser signed in as `user`, the tools unlocked, on `landing`. */
async function openTools(t: Test, browser: Browser, mirror: Mirror, user: TestUser, landing: string) {
  const fresh = await freshPage(t, browser);
  await signIn(fresh.page, mirror, user, landing);
  await fresh.page.getByLabel('Admin token').fill(ADMIN_TOKEN);
  await fresh.page.getByRole('button', { name: 'Unlock' }).click();
  await fresh.page.waitForURL((u) => u.pathname === landing && !u.search);
  return fresh;
}

await withBrowser(t, async (browser) => {
  const mirror = await listeningMirror(t);
  const user = await createUser(mirror.app.db, { first_name: 'Katherine', last_name: 'Johnson' });
  const api = apiAs(mirror, user.token);
  const admin = apiAs(mirror, ADMIN_TOKEN);

  t.test('locked: a wrong token refused, the right one opens the tool asked for', async (t) => {
    const { page, context, noConsoleErrors } = await freshPage(t, browser);
    await signIn(page, mirror, user, '/manager/tools');
    const menu = page.getByRole('navigation', { name: 'Main menu' });
    t.equal(
      await menu.getByRole('link', { name: 'Test tools' }).count(),
      1,
      'the menu leads to the tools, which ask for the token',
    );
    await page.getByLabel('Admin token').fill('not-the-admin-token');
    await page.getByRole('button', { name: 'Unlock' }).click();
    await page.locator('#f-token-error').waitFor();
    t.equal(await page.locator('#f-token-error').textContent(), 'This is not the admin token.', 'why, by the field');
    t.equal(await page.getByLabel('Admin token').getAttribute('aria-invalid'), 'true', 'the field marked');
    await screenshot(page, 'tools-unlock');

    // A form posted from a locked browser changes nothing: it is answered with the lock.
    const csrf = await page.locator('input[name=csrf]').first().inputValue();
    const posted = await context.request.post(`${mirror.url}/manager/tools/faults`, {
      form: { csrf, path: '/1/accounts', status: '503' },
    });
    t.match(await posted.text(), /Unlock the test tools/, 'a locked form post: the lock');
    t.same((await admin<unknown[]>('GET', '/_mirror/faults')).data, [], 'and no rule added');

    await page.goto(`${mirror.url}/manager/tools/journal`);
    t.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Test tools', 'a tool, locked: the lock');
    t.equal(await page.getByRole('region', { name: 'Requests' }).count(), 0, 'and none of its data');
    await page.getByLabel('Admin token').fill(ADMIN_TOKEN);
    await page.getByRole('button', { name: 'Unlock' }).click();
    await page.getByRole('heading', { name: 'Request journal' }).waitFor();
    t.equal(new URL(page.url()).pathname, '/manager/tools/journal', 'unlocked, on the tool asked for');
    await menu.getByRole('link', { name: 'Test tools' }).click();
    await page.getByRole('region', { name: 'Tools' }).waitFor();
    t.equal(
      await page.getByRole('region', { name: 'Tools' }).getByRole('link').count(),
      6,
      'the index of the six tools',
    );
    await screenshot(page, 'tools-index');
    noConsoleErrors();
  });

  t.test('without MIRROR_ADMIN_TOKEN the tools are not there', async (t) => {
    const app = await buildTestApp(t, { config: { MIRROR_ADMIN_TOKEN: undefined } });
    const bare = { app, url: await app.listen({ host: '127.0.0.1', port: 0 }) };
    const someone = await createUser(app.db);
    const { page, context, noConsoleErrors } = await freshPage(t, browser);
    await signIn(page, bare, someone, '/manager/profile');
    const res = await context.request.get(`${bare.url}/manager/tools`);
    t.equal(res.status(), 404, 'not found');
    t.match(await res.text(), /This page does not exist/, 'said so');
    noConsoleErrors();
  });

  t.test('outbox: a wrong password sends a security notice, read as a mail (its text, never markup)', async (t) => {
    const victim = await createUser(mirror.app.db, { first_name: '<b>Ada</b>' });
    const other = await freshPage(t, browser);
    await other.page.goto(`${mirror.url}/manager`);
    await other.page.locator('#email').fill(victim.email);
    await other.page.locator('#password').fill('not-the-password');
    await other.page.locator('form button[type=submit]').click();
    await other.page.getByRole('alert').waitFor();
    const sent = await admin<{ subject: string }[]>(
      'GET',
      `/_mirror/outbox?kind=security_wrong_password&recipient=${encodeURIComponent(victim.email)}`,
    );
    t.equal(sent.data.length, 1, 'the control plane has the notice');

    const { page, noConsoleErrors } = await openTools(t, browser, mirror, user, '/manager/tools/outbox');
    await page.getByLabel('Recipient').fill(victim.email);
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.getByRole('region', { name: 'Mails (1)' }).waitFor();
    await screenshot(page, 'tools-outbox');
    await page.getByRole('link', { name: sent.data[0]?.subject ?? '' }).click();
    const mail = page.getByRole('article', { name: sent.data[0]?.subject ?? '' });
    await mail.waitFor();
    t.match(await mail.textContent(), new RegExp(`To${victim.email.replace(/\./g, '\\.')}`), 'to the victim');
    t.match(await mail.textContent(), /Kindsecurity_wrong_password/, 'its kind');
    const body = page.locator('.mail-body');
    t.match(await body.textContent(), /Hello <b>Ada<\/b>,\n\nSomeone entered a wrong password/, 'the body as text');
    t.equal(await body.locator('b').count(), 0, 'no markup made of it');
    await screenshot(page, 'tools-mail');
    await page.getByRole('link', { name: '← Back to the outbox' }).click();
    t.equal(await page.getByLabel('Recipient').inputValue(), victim.email, 'back to the filtered inbox');
    other.noConsoleErrors();
    noConsoleErrors();
  });

  t.test('clock: refused, moved forward, to a date, back to real time', async (t) => {
    const { page, noConsoleErrors } = await openTools(t, browser, mirror, user, '/manager/tools/clock');
    const move = page.getByRole('region', { name: 'Move the clock' });
    await move.getByLabel('Forward by').fill('soon');
    await move.getByRole('button', { name: 'Move forward' }).click();
    await page.locator('#f-advance-error').waitFor();
    t.match(
      await page.locator('#f-advance-error').textContent(),
      /advance/,
      "the control plane's message, by the field",
    );
    t.equal(await move.getByLabel('Forward by').inputValue(), 'soon', 'the value kept');

    const before = await admin<{ offset_seconds: number }>('GET', '/_mirror/clock');
    await move.getByLabel('Forward by').fill('2h');
    await move.getByRole('button', { name: 'Move forward' }).click();
    await page.getByRole('region', { name: 'What the move ran' }).waitFor();
    t.match(await page.getByRole('status').textContent(), /Renewals: 0 renewed, 0 failed, 0 locked\./, 'what it ran');
    const moved = await admin<{ offset_seconds: number }>('GET', '/_mirror/clock');
    t.equal(moved.data.offset_seconds, before.data.offset_seconds + 7200, 'two hours ahead');
    await screenshot(page, 'tools-clock');

    type Profile = { preferences: { timezone: { name: string } } };
    const zone = (await api<Profile>('GET', '/2/profile')).data.preferences.timezone.name;
    const now = await admin<{ now: number }>('GET', '/_mirror/clock');
    const target = Math.floor((now.data.now + 5 * 3600) / 60) * 60;
    const typed = new Intl.DateTimeFormat('sv-SE', {
      timeZone: zone,
      dateStyle: 'short',
      timeStyle: 'short',
    })
      .format(target * 1000)
      .replace(' ', 'T');
    await move.getByLabel('To the date').fill(typed);
    await move.getByRole('button', { name: 'Go to this date' }).click();
    await page.getByRole('region', { name: 'What the move ran' }).waitFor();
    const dated = await admin<{ now: number }>('GET', '/_mirror/clock');
    t.ok(dated.data.now >= target && dated.data.now < target + 600, `at ${typed} in ${zone}`);

    await move.getByRole('button', { name: "Back to the machine's time" }).click();
    await page.getByRole('region', { name: 'What the move ran' }).waitFor();
    const reset = await admin<{ offset_seconds: number }>('GET', '/_mirror/clock');
    t.equal(reset.data.offset_seconds, 0, 'back to real time');
    noConsoleErrors();
  });

  t.test('faults: a rule added answers the API, refused with its field, deleted', async (t) => {
    const { page, noConsoleErrors } = await openTools(t, browser, mirror, user, '/manager/tools/faults');
    const add = page.getByRole('region', { name: 'Add a rule' });
    await add.getByLabel('Path', { exact: true }).fill('/1/accounts');
    await add.getByLabel('HTTP status').fill('700');
    await add.getByRole('button', { name: 'Add the rule' }).click();
    await page.locator('#f-status-error').waitFor();
    t.match(
      await page.locator('#f-status-error').textContent(),
      /status/,
      'refused by the control plane, by the field',
    );
    t.equal(await add.getByLabel('Path', { exact: true }).inputValue(), '/1/accounts', 'the path kept');

    await add.getByLabel('Method').selectOption('GET');
    await add.getByLabel('HTTP status').fill('503');
    await add.getByRole('button', { name: 'Add the rule' }).click();
    await page.getByText('Rule added.').waitFor();
    const rules = await admin<{ path: string; status: number }[]>('GET', '/_mirror/faults');
    t.same(
      rules.data.map((r) => [r.path, r.status]),
      [['/1/accounts', 503]],
      'the control plane has the rule',
    );
    t.equal((await api('GET', '/1/accounts')).status, 503, 'the API answers the fault');
    await page.reload();
    const row = page.getByRole('row', { name: /GET \/1\/accounts/ });
    t.match(await row.textContent(), /503.*1/, 'with its hit');
    await screenshot(page, 'tools-faults');

    await page.getByRole('button', { name: 'Delete – GET /1/accounts → 503' }).click();
    await page.getByText('Rule deleted.').waitFor();
    t.same((await admin<unknown[]>('GET', '/_mirror/faults')).data, [], 'no rule left');
    t.equal((await api('GET', '/1/accounts')).status, 200, 'the API answers again');
    noConsoleErrors();
  });

  t.test('snapshots: taken, a change made, restored (the change gone), deleted', async (t) => {
    const { page, noConsoleErrors } = await openTools(t, browser, mirror, user, '/manager/tools/snapshots');
    const take = page.getByRole('region', { name: 'Take a snapshot' });
    await take.getByLabel('Name').fill('Not A Name');
    await take.getByRole('button', { name: 'Take the snapshot' }).click();
    await page.locator('#f-name-error').waitFor();
    t.equal(await take.getByLabel('Name').inputValue(), 'Not A Name', 'refused, the value kept');

    await take.getByLabel('Name').fill('before-change');
    await take.getByRole('button', { name: 'Take the snapshot' }).click();
    await page.getByText('Snapshot before-change taken.').waitFor();
    const saved = await admin<{ name: string }[]>('GET', '/_mirror/snapshots');
    t.same(
      saved.data.map((s) => s.name),
      ['before-change'],
      'the control plane has it',
    );
    await screenshot(page, 'tools-snapshots');

    type Access = { access: { kind: string; status: string }[] };
    const mailAccess = async () =>
      (await api<Access>('GET', '/2/profile/support_access')).data.access.find((a) => a.kind === 'mail')?.status;
    const was = await mailAccess();
    t.equal((await api('PUT', '/2/profile/support_access/mail')).status, 200, 'a change through the API');
    t.equal(await mailAccess(), 'open', 'mail support access open');

    await page.getByRole('button', { name: 'Restore – before-change' }).click();
    await page.getByText('Snapshot before-change restored.').waitFor();
    t.equal(await mailAccess(), was, 'the change is gone');

    await page.getByRole('button', { name: 'Delete – before-change' }).click();
    await page.getByText('Snapshot before-change deleted.').waitFor();
    t.same((await admin<unknown[]>('GET', '/_mirror/snapshots')).data, [], 'no snapshot left');
    noConsoleErrors();
  });

  t.test('sandboxes: refused, created, deleted', async (t) => {
    const { page, noConsoleErrors } = await openTools(t, browser, mirror, user, '/manager/tools/sandboxes');
    const create = page.getByRole('region', { name: 'Create a sandbox' });
    await create.getByLabel('Name').fill('Not_a_name');
    await create.getByRole('button', { name: 'Create the sandbox' }).click();
    await page.locator('#f-name-error').waitFor();
    t.equal(await create.getByLabel('Name').inputValue(), 'Not_a_name', 'refused, the value kept');

    await create.getByLabel('Name').fill('tools-shard');
    await create.getByRole('button', { name: 'Create the sandbox' }).click();
    // Making a sandbox takes seconds (on the embedded database, the first one more).
    await page.getByText('Sandbox tools-shard created.').waitFor({ timeout: 120_000 });
    const made = await admin<{ name: string }[]>('GET', '/_mirror/sandboxes');
    t.ok(
      made.data.some((s) => s.name === 'tools-shard'),
      'the control plane has it',
    );
    await screenshot(page, 'tools-sandboxes');

    await page.getByRole('button', { name: 'Delete – tools-shard' }).click();
    await page.getByText('Sandbox tools-shard deleted.').waitFor({ timeout: 60_000 });
    const left = await admin<{ name: string }[]>('GET', '/_mirror/sandboxes');
    t.notOk(
      left.data.some((s) => s.name === 'tools-shard'),
      'gone',
    );
    noConsoleErrors();
  });

  t.test('journal: the requests just made, filtered', async (t) => {
    t.equal((await api('GET', '/2/profile/support_access')).status, 200, 'a request through the API');
    const { page, noConsoleErrors } = await openTools(t, browser, mirror, user, '/manager/tools/journal');
    const filters = page.getByRole('region', { name: 'Filters' });
    await filters.getByLabel('At most').fill('0');
    await filters.getByRole('button', { name: 'Filter' }).click();
    await page.locator('#f-limit-error').waitFor();
    t.match(await page.locator('#f-limit-error').textContent(), /limit/, "the control plane's message, by the field");

    await filters.getByLabel('Method').selectOption('GET');
    await filters.getByLabel('Path contains').fill('support_access');
    await filters.getByLabel('At most').fill('50');
    await filters.getByRole('button', { name: 'Filter' }).click();
    const entries = page.getByRole('region', { name: /^Requests \(\d+\)$/ });
    await entries.waitFor();
    const seen = await admin<{ path: string }[]>('GET', '/_mirror/requests?method=GET&path=support_access');
    t.ok(seen.data.length >= 1, 'the control plane has the request');
    t.equal(
      await entries.getByRole('row').filter({ hasText: '/2/profile/support_access' }).count(),
      seen.data.length,
      'the page lists them all',
    );
    t.match(
      await entries.getByRole('row').nth(1).textContent(),
      /GET\/2\/profile\/support_access200/,
      'method, path, status',
    );
    await screenshot(page, 'tools-journal');
    noConsoleErrors();
  });
});
