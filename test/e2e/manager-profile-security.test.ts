import t from 'tap';
import { createUser } from '../factories/users.js';
import { apiAs, freshPage, listeningMirror, screenshot, signIn, withBrowser } from './manager-browser.js';

// The Manager's profile-security pages in Chromium: an API token created (its secret shown
// once, and working) and revoked, an application password created and deleted, the sessions
// (another one ended, then this browser's own), the activity log, the sign-in notifications
// with the API's refusal of an out-of-range limit; each step checked through the API.

t.setTimeout(180_000);

interface Token {
  id: number;
  name: string;
  scopes: string[];
  expired_at: number | null;
}

await withBrowser(t, async (browser) => {
  const mirror = await listeningMirror(t);
  const user = await createUser(mirror.app.db, { first_name: 'Ada', last_name: 'Lovelace' });
  const api = apiAs(mirror, user.token);

  t.test('API tokens: a refused form keeps what was typed; a token created works, then revoked stops', async (t) => {
    const { page, noConsoleErrors } = await freshPage(t, browser);
    await signIn(page, mirror, user, '/manager/profile/tokens');
    const form = page.getByRole('region', { name: 'Create a token' });
    await form.getByLabel('Name').fill('CI token');
    await form.getByRole('button', { name: 'Create the token' }).click();
    await page.locator('#f-scopes-error').waitFor();
    t.match(await page.locator('#f-scopes-error').textContent(), /scopes/, "the API's message on the scopes");
    t.equal(await page.getByLabel('Name').inputValue(), 'CI token', 'the name kept');

    await page.getByLabel('user_info').check();
    await page.getByLabel('Expiry date (empty: never expires)').fill('2999-12-31');
    await page.getByRole('button', { name: 'Create the token' }).click();
    await page.getByRole('heading', { name: 'Your new API token' }).waitFor();
    t.match(await page.getByRole('alert').textContent(), /will not be shown again/, 'the warning');
    const secret = (await page.locator('#secret-value').textContent()) ?? '';
    t.notMatch(page.url(), secret, 'the secret is not in the address');
    await screenshot(page, 'profile-token-created');

    const withIt = await apiAs(mirror, secret)<{ email: string }>('GET', '/2/profile');
    t.equal(withIt.status, 200, 'the secret works against the API');
    t.equal(withIt.data.email, user.email, 'as this user');
    const tokens = await api<Token[]>('GET', '/1/profile/tokens');
    const made = tokens.data.find((x) => x.name === 'CI token');
    t.same(made?.scopes, ['user_info'], 'the scopes chosen');
    t.ok(
      made?.expired_at && made.expired_at > Date.UTC(2999, 11, 30) / 1000,
      'the expiry at the end of the day chosen',
    );

    await page.getByRole('link', { name: 'Back to the list' }).click();
    t.notOk(await page.locator('#secret-value').count(), 'the list does not show the secret');
    await screenshot(page, 'profile-tokens');
    await page.getByRole('button', { name: 'Revoke – CI token' }).click();
    await page.getByRole('status').waitFor();
    t.equal(await page.getByRole('status').textContent(), 'Token revoked.', 'said');
    t.equal((await apiAs(mirror, secret)('GET', '/2/profile')).status, 401, 'the revoked token is refused');
    const after = await api<Token[]>('GET', '/1/profile/tokens');
    t.notOk(
      after.data.some((x) => x.name === 'CI token'),
      'no longer listed by the API',
    );
    noConsoleErrors();
  });

  t.test('application passwords: create one (shown once), delete it', async (t) => {
    const { page, noConsoleErrors } = await freshPage(t, browser);
    await signIn(page, mirror, user, '/manager/profile/app-passwords');
    await page.getByRole('region', { name: 'Create an application password' }).getByLabel('Name').fill('Thunderbird');
    await page.getByRole('button', { name: 'Create the password' }).click();
    await page.getByRole('heading', { name: 'Your new application password' }).waitFor();
    t.ok(((await page.locator('#secret-value').textContent()) ?? '').length > 8, 'the password shown');
    type Password = { id: number; name: string };
    const listed = await api<Password[]>('GET', '/2/profile/applications/passwords');
    t.ok(
      listed.data.some((p) => p.name === 'Thunderbird'),
      'the API lists it',
    );
    await screenshot(page, 'profile-app-password-created');

    await page.getByRole('link', { name: 'Back to the list' }).click();
    await page.getByRole('button', { name: 'Delete – Thunderbird' }).click();
    await page.getByRole('status').waitFor();
    const after = await api<Password[]>('GET', '/2/profile/applications/passwords');
    t.notOk(
      after.data.some((p) => p.name === 'Thunderbird'),
      'the API no longer lists it',
    );
    noConsoleErrors();
  });

  t.test('sessions: end another browser’s, then this one’s (signed out)', async (t) => {
    // A user of its own: only the two sessions this test opens.
    const traveller = await createUser(mirror.app.db, { first_name: 'Alan', last_name: 'Turing' });
    const travellerApi = apiAs(mirror, traveller.token);
    type Session = { id: number };
    const sessions = async () =>
      (await travellerApi<{ sessions: Session[] }>('GET', '/2/profile?with=security')).data.sessions;
    const other = await freshPage(t, browser);
    await signIn(other.page, mirror, traveller, '/manager/profile');
    const { page, noConsoleErrors } = await freshPage(t, browser);
    await signIn(page, mirror, traveller, '/manager/profile/sessions');
    const before = await sessions();
    t.equal(before.length, 2, 'two sessions');
    // Sessions are numbered in the order of the sign-ins: the other browser signed in first.
    const [otherId, mineId] = before.map((x) => x.id).sort((a, b) => a - b);
    const rows = page.getByRole('region', { name: 'Your open sessions' }).locator('tbody tr');
    t.equal(await rows.count(), 2, 'both listed');
    t.equal(await page.getByText('(This browser)').count(), 1, 'this browser marked once');
    t.equal(
      await page.locator(`form[action="/manager/profile/sessions/${mineId}/end"] button`).textContent(),
      'Sign out this browser',
      'the mark is on this browser’s session',
    );
    await screenshot(page, 'profile-sessions');

    await page.locator(`form[action="/manager/profile/sessions/${otherId}/end"] button`).click();
    await page.getByRole('status').waitFor();
    t.equal(await rows.count(), 1, 'one session left on the page');
    t.same(
      (await sessions()).map((x) => x.id),
      [mineId],
      'the API has only this browser’s',
    );
    await other.page.goto(`${mirror.url}/manager/profile`);
    t.equal(new URL(other.page.url()).pathname, '/manager/sign-in', 'the other browser must sign in again');

    await page.getByRole('button', { name: 'Sign out this browser' }).click();
    await page.waitForURL((u) => u.pathname === '/manager/sign-in');
    t.ok(await page.locator('#password').count(), 'this browser is asked to sign in');
    t.same(await sessions(), [], 'the API has ended it too');
    noConsoleErrors();
    other.noConsoleErrors();
  });

  t.test('activity: the sign-in and the token creation, filtered by action', async (t) => {
    const { page, noConsoleErrors } = await freshPage(t, browser);
    await signIn(page, mirror, user, '/manager/profile/activity');
    const log = page.getByRole('region', { name: 'Security activity' });
    t.match(await log.textContent(), /\(login_success\)/, 'the sign-in');
    t.match(await log.textContent(), /\(api_token_created\)/, 'the token creation');
    await screenshot(page, 'profile-activity');
    await page.getByLabel('Action').selectOption('api_token_created');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.waitForURL((u) => u.searchParams.get('action') === 'api_token_created');
    const rows = await log.locator('tbody tr').allTextContents();
    t.ok(rows.length > 0, 'lines shown');
    t.ok(
      rows.every((r) => r.includes('(api_token_created)')),
      'only that action',
    );
    noConsoleErrors();
  });

  t.test('notifications: saved, and an out-of-range limit refused next to its field', async (t) => {
    const { page, noConsoleErrors } = await freshPage(t, browser);
    await signIn(page, mirror, user, '/manager/profile/notifications');
    const limit = page.getByLabel('Unsuccessful attempts allowed (1 to 100)');
    await page.getByLabel('Tell me by e-mail of a sign-in from a new place or device').uncheck();
    await page.getByLabel('Tell me by e-mail of unsuccessful sign-in attempts').check();
    await page.getByLabel('Block sign-in after too many unsuccessful attempts').check();
    await limit.fill('7');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').waitFor();
    type Connection = { preferences: { connection: Record<string, boolean | number> } };
    const saved = await api<Connection>('GET', '/2/profile');
    t.match(
      saved.data.preferences.connection,
      {
        successful_notification: false,
        unsuccessful_notification: true,
        unsuccessful_limit: true,
        unsuccessful_rate_limit: 7,
      },
      'the API has the settings',
    );

    await limit.fill('500');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.locator('#f-unsuccessful_connexion_rate_limit-error').waitFor();
    t.match(
      await page.locator('#f-unsuccessful_connexion_rate_limit-error').textContent(),
      /unsuccessful_connexion_rate_limit/,
      "the API's message next to the field",
    );
    t.equal(await limit.inputValue(), '500', 'the value typed kept');
    await screenshot(page, 'profile-notifications-refused');
    const unchanged = await api<Connection>('GET', '/2/profile');
    t.equal(unchanged.data.preferences.connection.unsuccessful_rate_limit, 7, 'the API kept the last good value');
    noConsoleErrors();
  });
});
