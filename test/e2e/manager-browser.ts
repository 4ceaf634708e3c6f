import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Test } from 'tap';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { App } from '../../src/app.js';
import type { TestUser } from '../factories/users.js';
import { bearer, buildTestApp } from '../helper.js';

// What the Manager's browser tests share: ik-mirror listening on 127.0.0.1, Debian's Chromium
// (as the OAuth browser test runs it: skipped without it, a failure with IKM_REQUIRE_BROWSER=1,
// as on CI), a fresh browser signed in as a user, the API as that user to check the state, a
// page that keeps its console errors for the test to assert there were none, and the screenshots of the docs
// (MANAGER_SCREENSHOTS=<folder> writes them: `npm run docs:screenshots`).

export const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Runs `tests` with a browser, or says why not (see above). */
export async function withBrowser(t: Test, tests: (b: Browser) => Promise<void>): Promise<void> {
  if (existsSync(executablePath)) {
    const browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
    t.teardown(() => browser.close());
    return tests(browser);
  }
  if (process.env.IKM_REQUIRE_BROWSER === '1')
    t.fail(`Chromium is missing at ${executablePath} and IKM_REQUIRE_BROWSER=1`);
  else
    t.plan(
      0,
      `Chromium is missing at ${executablePath}: install it (apt-get install chromium) to run the browser tests`,
    );
}

export interface Mirror {
  app: App;
  url: string;
}

export async function listeningMirror(t: Test): Promise<Mirror> {
  const app = await buildTestApp(t);
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, url };
}

/** The API as a user, from outside, to check what a page did. */
export function apiAs(mirror: Mirror, token: string) {
  return async <T = unknown>(method: string, path: string, body?: unknown): Promise<{ status: number; data: T }> => {
    const res = await fetch(`${mirror.url}${path}`, {
      method,
      headers: { ...bearer(token), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const parsed = (await res.json()) as { data: T };
    return { status: res.status, data: parsed.data };
  };
}

export interface FreshPage {
  page: Page;
  context: BrowserContext;
  /** Asserts that the page logged no console error nor failed with one, at the end of a test. */
  noConsoleErrors: () => void;
}

/** A page of a fresh browser (no cookies), which keeps the console's errors for `noConsoleErrors`. */
export async function freshPage(t: Test, browser: Browser, locale = 'en-GB'): Promise<FreshPage> {
  const context = await browser.newContext({ locale });
  t.teardown(() => context.close());
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  return { page, context, noConsoleErrors: () => t.same(errors, [], 'no console errors') };
}

/** Signs in on the Manager's own sign-in page, then waits for `landing`. */
export async function signIn(page: Page, mirror: Mirror, user: TestUser, landing = '/manager'): Promise<void> {
  await page.goto(`${mirror.url}${landing}`);
  await page.locator('#email').fill(user.email);
  await page.locator('#password').fill(user.password);
  await page.locator('form button[type=submit]').click();
  await page.waitForURL((u) => `${u.pathname}${u.search}` === landing);
}

/** A screenshot for the docs, when MANAGER_SCREENSHOTS names their folder. */
export async function screenshot(page: Page, name: string): Promise<void> {
  const dir = process.env.MANAGER_SCREENSHOTS;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true });
}
