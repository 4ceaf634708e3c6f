import t from 'tap';
import { createUser } from '../factories/users.js';
import { apiAs, freshPage, listeningMirror, screenshot, signIn, withBrowser } from './manager-browser.js';

// The Manager's profile pages in Chromium: sign-in, the preferences (the page follows the
// language it sets), support access opened and closed; each step checked through the API.

t.setTimeout(120_000);

await withBrowser(t, async (browser) => {
  const mirror = await listeningMirror(t);
  const user = await createUser(mirror.app.db, { first_name: 'Grace', last_name: 'Hopper' });
  const api = apiAs(mirror, user.token);

  t.test('signed out, a page sends to the sign-in page, which comes back to it', async (t) => {
    const { page, noConsoleErrors } = await freshPage(t, browser);
    await signIn(page, mirror, user, '/manager/profile');
    t.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'My profile', 'on the profile page');
    await screenshot(page, 'profile');
    noConsoleErrors();
  });

  t.test('a wrong password: the page says so and keeps the address', async (t) => {
    const { page, noConsoleErrors } = await freshPage(t, browser);
    await page.goto(`${mirror.url}/manager`);
    await page.locator('#email').fill(user.email);
    await page.locator('#password').fill('not-the-password');
    await page.locator('form button[type=submit]').click();
    await page.getByRole('alert').waitFor();
    t.equal(await page.getByRole('alert').textContent(), 'Wrong e-mail address or password.', 'why');
    t.equal(await page.locator('#email').inputValue(), user.email, 'the address kept');
    noConsoleErrors();
  });

  t.test('preferences: French, another time zone; the page then speaks French', async (t) => {
    const { page, noConsoleErrors } = await freshPage(t, browser);
    await signIn(page, mirror, user, '/manager/profile');
    const preferences = page.getByRole('region', { name: 'Preferences' });
    await preferences.getByLabel('Language').selectOption({ label: 'French' });
    await preferences.getByLabel('Time zone').selectOption({ label: 'Europe/Paris (+01:00)' });
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').waitFor();
    t.equal(await page.getByRole('status').textContent(), 'Enregistré.', 'saved, said in French');
    t.equal(await page.locator('html').getAttribute('lang'), 'fr', 'the page is in French');
    type Preferences = { preferences: { language: { id: number }; timezone: { name: string } } };
    const profile = await api<Preferences>('GET', '/2/profile');
    t.equal(profile.data.preferences.language.id, 1, 'the API sees French');
    t.equal(profile.data.preferences.timezone.name, 'Europe/Paris', 'and the time zone');

    await page.locator('#lang-switch').selectOption('en');
    await page.getByRole('button', { name: 'Changer' }).click();
    await page.getByRole('heading', { name: 'My profile' }).waitFor();
    const switched = await api<Preferences>('GET', '/2/profile');
    t.equal(switched.data.preferences.language.id, 2, 'the switch set English');
    noConsoleErrors();
  });

  t.test('support access: open mail, see the time left, close it', async (t) => {
    const { page, noConsoleErrors } = await freshPage(t, browser);
    await signIn(page, mirror, user, '/manager/profile');
    await page.getByRole('button', { name: 'Allow access – Mail' }).click();
    await page.getByRole('button', { name: 'Close access – Mail' }).waitFor();
    t.match(
      await page.locator('#support').locator('..').textContent(),
      /Open until .+\((7 d 0 h|6 d 23 h) left\)/,
      'seven days left',
    );
    type Access = { access: { kind: string; status: string }[] };
    const opened = await api<Access>('GET', '/2/profile/support_access');
    t.equal(opened.data.access.find((a) => a.kind === 'mail')?.status, 'open', 'the API sees it open');
    t.equal(opened.data.access.find((a) => a.kind === 'kdrive')?.status, 'never', 'only mail');
    await screenshot(page, 'profile-support');
    await page.getByRole('button', { name: 'Close access – Mail' }).click();
    await page.getByRole('button', { name: 'Allow access – Mail' }).waitFor();
    const closed = await api<Access>('GET', '/2/profile/support_access');
    t.equal(closed.data.access.find((a) => a.kind === 'mail')?.status, 'closed', 'the API sees it closed');
    noConsoleErrors();
  });
});
