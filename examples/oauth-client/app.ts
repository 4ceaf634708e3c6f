import oauth2 from '@fastify/oauth2';
import Fastify, { type FastifyInstance } from 'fastify';

// A third-party web app that signs its users in with ik-mirror: the authorization code flow
// with PKCE (S256), then one API call with the access token. It keeps no session of its own:
// the callback fetches the profile and renders it, which is all the example needs to show.

export interface ClientAppOptions {
  /** ik-mirror's origin, e.g. http://127.0.0.1:3000: its issuer, and the host of its API. */
  issuer: string;
  clientId: string;
  clientSecret: string;
  /**
   * Where browsers reach this app; the redirect URI is `${baseUrl}/callback` and must be
   * registered exactly. Defaults to the address the app listens on.
   */
  baseUrl?: string;
}

interface Profile {
  email: string;
  display_name: string;
}

const SCOPES = ['openid', 'profile', 'email', 'user_info'];

const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

const page = (title: string, body: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>` +
  `<body><main><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`;

export async function buildClientApp({
  issuer,
  clientId,
  clientSecret,
  baseUrl,
}: ClientAppOptions): Promise<FastifyInstance> {
  const origin = issuer.replace(/\/+$/, '');
  const app = Fastify({ logger: false });
  // Read per request so that an app started on port 0 (tests) knows its callback once listening.
  const callbackUri = () => `${baseUrl ?? app.listeningOrigin}/callback`;

  // Discovery reads ik-mirror's endpoints from /.well-known/openid-configuration when the plugin
  // loads, so ik-mirror must be up before this app starts. The plugin keeps the state and the
  // PKCE verifier in cookies (cleared by the callback) and registers GET /login, which starts
  // the flow.
  await app.register(oauth2, {
    name: 'ikMirror',
    scope: SCOPES,
    credentials: { client: { id: clientId, secret: clientSecret } },
    discovery: { issuer: origin },
    pkce: 'S256',
    // Only the callback reads the state and verifier cookies: no other route is sent them.
    cookie: { path: '/callback' },
    startRedirectPath: '/login',
    callbackUri,
  });
  const ikMirror = app.oauth2IkMirror!; // decorated by the plugin registered just above

  app.get('/', async (_req, reply) =>
    reply.type('text/html').send(page('Example app', '<p><a href="/login">Sign in with ik-mirror</a></p>')),
  );

  app.get<{ Querystring: Record<string, string | undefined> }>('/callback', async (req, reply) => {
    const { error, error_description: description, iss } = req.query;
    // RFC 9207: the response names its issuer; one from another server is a mix-up attack.
    if (iss !== undefined && iss.replace(/\/+$/, '') !== origin) {
      return reply
        .code(400)
        .type('text/html')
        .send(page('Sign-in failed', '<p>The answer came from an unexpected issuer.</p>'));
    }
    if (error) {
      const title = error === 'access_denied' ? 'Access was denied' : 'Sign-in failed';
      const detail = description ? `: ${escapeHtml(description)}` : '';
      return reply
        .code(403)
        .type('text/html')
        .send(
          page(
            title,
            `<p>ik-mirror answered <code>${escapeHtml(error)}</code>${detail}.</p><p><a href="/">Back</a></p>`,
          ),
        );
    }

    let accessToken: string;
    try {
      // Checks `state` against its cookie, then trades the code and the PKCE verifier for tokens.
      ({
        token: { access_token: accessToken },
      } = await ikMirror.getAccessTokenFromAuthorizationCodeFlow(req, reply));
    } catch (err) {
      req.log.warn({ err }, 'code exchange failed');
      return reply
        .code(400)
        .type('text/html')
        .send(page('Sign-in failed', '<p>The sign-in could not be completed. <a href="/">Try again</a>.</p>'));
    }

    const res = await fetch(`${origin}/2/profile`, { headers: { authorization: `Bearer ${accessToken}` } });
    if (!res.ok) {
      return reply
        .code(502)
        .type('text/html')
        .send(page('Sign-in failed', `<p>The profile could not be read (HTTP ${res.status}).</p>`));
    }
    const { data } = (await res.json()) as { data: Profile };
    return reply
      .type('text/html')
      .send(
        page(
          'Signed in',
          `<p>Hello, <strong id="name">${escapeHtml(data.display_name)}</strong>.</p>` +
            `<p>Your e-mail address: <span id="email">${escapeHtml(data.email)}</span></p>`,
        ),
      );
  });

  return app;
}
