import { existsSync } from 'node:fs';
import t, { type Test } from 'tap';
import { chromium, type Browser, type Page } from 'playwright-core';
import { buildClientApp } from '../../examples/oauth-client/app.js';
import { createUser } from '../factories/users.js';
import { ADMIN_TOKEN, bearer, buildTestApp } from '../helper.js';

// The example third-party app (examples/oauth-client) signing a user in against ik-mirror in a
// real browser: sign-in page, consent, the code flow with PKCE, the API call with the token.
// Both servers listen on 127.0.0.1 and Debian's Chromium drives the pages. Without Chromium the
// file is skipped, unless IKM_REQUIRE_BROWSER=1 (CI), where a missing browser is a failure.

// CHROMIUM_PATH points elsewhere (another build of Chromium).
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

t.setTimeout(120_000);

if (!existsSync(executablePath)) {
  if (process.env.IKM_REQUIRE_BROWSER === '1') {
    t.fail(`Chromium is missing at ${executablePath} and IKM_REQUIRE_BROWSER=1: install it (apt-get install chromium)`);
  } else {
    t.plan(
      0,
      `Chromium is missing at ${executablePath}: install it (apt-get install chromium) to run the browser tests`,
    );
  }
} else {
  await browserTests();
}

async function browserTests() {
  const app = await buildTestApp(t);
  const mirror = await app.listen({ host: '127.0.0.1', port: 0 });
  const user = await createUser(app.db, { first_name: 'Grace', last_name: 'Hopper' });

  // No assertion at the top level: once the root test has asserted and goes idle, tap ends it
  // (teardowns keep servers open) and would close ik-mirror mid-set-up. A failed step throws.
  const api = async (method: string, path: string, body: unknown, expected: number) => {
    const res = await fetch(`${mirror}${path}`, {
      method,
      headers: { ...bearer(user.token), 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    if (res.status !== expected) throw new Error(`${method} ${path} answered ${res.status}: ${text}`);
    return (JSON.parse(text) as { data: Record<string, string> }).data;
  };

  // The example app needs its credentials before it starts and its port is known only once it
  // listens: register with a placeholder redirect URI, start the app, then register the real one.
  const client = await api(
    'POST',
    '/1/oauth_clients',
    { name: 'Example app', type: 'confidential', redirect_uris: ['http://127.0.0.1/callback'] },
    201,
  );
  const clientId = client.client_id;
  const example = await buildClientApp({ issuer: mirror, clientId, clientSecret: client.client_secret });
  t.teardown(() => example.close());
  const exampleUrl = await example.listen({ host: '127.0.0.1', port: 0 });
  await api('PATCH', `/1/oauth_clients/${clientId}`, { redirect_uris: [`${exampleUrl}/callback`] }, 200);

  const browser: Browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
  t.teardown(() => browser.close());

  /** A fresh browser (no cookies) on the example app, through to ik-mirror's sign-in page. */
  async function startSignIn(t: Test): Promise<Page> {
    const context = await browser.newContext();
    t.teardown(() => context.close());
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    await page.goto(exampleUrl);
    await page.getByRole('link', { name: 'Sign in with ik-mirror' }).click();
    await page.waitForURL((u) => u.origin === mirror && u.pathname === '/authorize');
    const asked = new URL(page.url()).searchParams;
    t.equal(asked.get('client_id'), clientId, "on ik-mirror's /authorize for the example app");
    t.equal(asked.get('code_challenge_method'), 'S256', 'PKCE with S256');
    t.equal(asked.get('scope'), 'openid profile email user_info', 'the scopes asked for');
    t.equal(
      await page.getByRole('heading').textContent(),
      'Sign in to continue to Example app',
      "ik-mirror's sign-in page",
    );
    return page;
  }

  async function signIn(page: Page, password: string) {
    await page.locator('#email').fill(user.email);
    await page.locator('#password').fill(password);
    const answer = page.waitForResponse(
      (r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/authorize',
    );
    await page.getByRole('button', { name: 'Sign in' }).click();
    return answer;
  }

  const onCallback = (page: Page) => page.waitForURL((u) => `${u.origin}${u.pathname}` === `${exampleUrl}/callback`);

  t.test("sign in and allow: the example app shows the user's name and e-mail", async (t) => {
    const page = await startSignIn(t);
    t.equal((await signIn(page, user.password)).status(), 303, 'signed in, back to the request');
    await page.getByRole('button', { name: 'Allow' }).waitFor();
    t.equal(await page.getByRole('heading').textContent(), 'Example app asks for access', 'the consent page');
    t.match(await page.locator('main').textContent(), user.email, 'it says who is signed in');
    await page.getByRole('button', { name: 'Allow' }).click();
    await onCallback(page);
    t.equal(await page.getByRole('heading').textContent(), 'Signed in', 'back on the example app, signed in');
    t.equal(await page.locator('#name').textContent(), 'Grace Hopper', 'the name from GET /2/profile');
    t.equal(await page.locator('#email').textContent(), user.email, 'the e-mail address from GET /2/profile');
  });

  t.test('sign in and deny: the example app says access was denied', async (t) => {
    const page = await startSignIn(t);
    await signIn(page, user.password);
    await page.getByRole('button', { name: 'Deny' }).click();
    await onCallback(page);
    const back = new URL(page.url()).searchParams;
    t.equal(back.get('error'), 'access_denied', 'ik-mirror sent the error to the callback');
    t.equal(back.get('iss'), mirror, 'RFC 9207 iss');
    t.equal(await page.getByRole('heading').textContent(), 'Access was denied', 'the example app says so');
    t.match(await page.locator('main').textContent(), 'access_denied', 'with the error code');
  });

  t.test('a wrong password: the sign-in page says so and a security notice is recorded', async (t) => {
    const page = await startSignIn(t);
    t.equal((await signIn(page, 'not-the-password')).status(), 401, 'the sign-in answers 401');
    t.equal(await page.getByRole('alert').textContent(), 'Wrong e-mail address or password.', 'the page says why');
    t.equal(await page.locator('#email').inputValue(), user.email, 'the e-mail address is kept');
    t.ok(await page.locator('#password').isVisible(), 'still the sign-in page');

    const res = await fetch(`${mirror}/_mirror/outbox?kind=security_wrong_password&user_id=${user.id}`, {
      headers: bearer(ADMIN_TOKEN),
    });
    t.equal(res.status, 200, 'the outbox answers');
    const outbox = (await res.json()) as { data: { recipient: string; kind: string; user_id: number }[] };
    t.equal(outbox.data.length, 1, 'one notice, for the one wrong password');
    t.match(
      outbox.data[0],
      { recipient: user.email, kind: 'security_wrong_password', user_id: user.id },
      'to the user',
    );
  });
}
