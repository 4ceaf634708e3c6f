import { createHash, randomBytes } from 'node:crypto';
import { bearer } from '../helper.js';
import type { App } from './organisations.js';
import type { TestUser } from './users.js';

// OAuth as a browser and a client do it through app.inject: a cookie jar, PKCE, the pages'
// forms, and the token endpoint.

export const REDIRECT = 'http://127.0.0.1:4999/callback';

export async function registerClient(
  app: App,
  token: string,
  body: Partial<{ name: string; type: 'public' | 'confidential'; redirect_uris: string[] }> = {},
) {
  const res = await app.inject({
    method: 'POST',
    url: '/1/oauth_clients',
    headers: bearer(token),
    payload: { name: 'Test app', type: 'confidential', redirect_uris: [REDIRECT], ...body },
  });
  if (res.statusCode !== 201) throw new Error(`registering a client answered ${res.statusCode}: ${res.body}`);
  return res.json().data as {
    client_id: string;
    client_secret: string | null;
    name: string;
    type: string;
    redirect_uris: string[];
  };
}

export function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export const authorizeUrl = (params: Record<string, string | undefined>) => {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined) q.set(k, v);
  return `/authorize?${q.toString()}`;
};

/** A browser's cookie jar over app.inject. */
export class Browser {
  cookies = new Map<string, string>();
  constructor(
    private app: App,
    private headers: Record<string, string> = {
      'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0 Safari/537.36',
    },
  ) {}

  private remember(res: { headers: Record<string, unknown> }) {
    const set = res.headers['set-cookie'];
    for (const c of (Array.isArray(set) ? set : set ? [set] : []) as string[]) {
      const [pair] = c.split(';');
      const eq = pair.indexOf('=');
      this.cookies.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
  }

  private cookieHeader() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async get(url: string) {
    const res = await this.app.inject({
      method: 'GET',
      url,
      headers: { ...this.headers, cookie: this.cookieHeader() },
    });
    this.remember(res);
    return res;
  }

  async post(url: string, form: Record<string, string>) {
    const res = await this.app.inject({
      method: 'POST',
      url,
      payload: new URLSearchParams(form).toString(),
      headers: { ...this.headers, cookie: this.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' },
    });
    this.remember(res);
    return res;
  }
}

export const csrfOf = (html: string) => /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';

/** Signs in on the page, consents, and answers the redirect's parameters. */
export async function authorize(
  browser: Browser,
  user: TestUser,
  params: Record<string, string | undefined>,
  decision: 'allow' | 'deny' = 'allow',
) {
  const url = authorizeUrl(params);
  let page = await browser.get(url);
  if (page.body.includes('name="password"')) {
    const signed = await browser.post(url, {
      step: 'sign_in',
      csrf: csrfOf(page.body),
      email: user.email,
      password: user.password,
    });
    if (signed.statusCode !== 303) throw new Error(`sign-in answered ${signed.statusCode}: ${signed.body}`);
    page = await browser.get(url);
  }
  if (!page.body.includes('name="decision"'))
    throw new Error(`no consent page: ${page.statusCode} ${page.body.slice(0, 300)}`);
  const res = await browser.post(url, { step: 'consent', csrf: csrfOf(page.body), decision });
  if (res.statusCode !== 303) throw new Error(`consent answered ${res.statusCode}: ${res.body}`);
  return new URL(res.headers.location as string).searchParams;
}

export function tokenRequest(app: App, form: Record<string, string>, headers: Record<string, string> = {}) {
  return app.inject({
    method: 'POST',
    url: '/token',
    payload: new URLSearchParams(form).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
  });
}

export const basic = (id: string, secret: string) => ({
  authorization: `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`,
});
