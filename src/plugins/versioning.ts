import { METHODS, type IncomingMessage } from 'node:http';
import FindMyWay from 'find-my-way';
import fp from 'fastify-plugin';

// Versioned routing. Modules register `/<version>/<command path>` routes; a request without a
// version is rewritten, before routing, to the latest version that has its command path.
// Method override (POST + X-HTTP-METHOD-OVERRIDE or `_method`) is applied at the same point,
// because Fastify picks the route from the method.

const VERSIONED = /^\/(\d+)(\/.*)$/;
const OVERRIDABLE = new Set(['DELETE', 'PATCH', 'PUT']);
type Method = FindMyWay.HTTPMethod;
/** Every method Node speaks is one the router takes (Fastify registers no other). */
const isMethod = (method: string): method is Method => METHODS.includes(method);

export class VersionRouter {
  private latest = new Map<string, { method: Method; path: string; version: number }>();
  private router: ReturnType<typeof FindMyWay> | undefined;

  /** Records a versioned route; called for every route the app registers. */
  add(method: string, url: string): void {
    const m = VERSIONED.exec(url);
    if (!m || !isMethod(method)) return;
    const version = Number(m[1]);
    const key = `${method} ${m[2]}`;
    const known = this.latest.get(key);
    if (!known || known.version < version) this.latest.set(key, { method, path: m[2], version });
    this.router = undefined;
  }

  private lookup(method: string, path: string): number | undefined {
    if (!this.router) {
      this.router = FindMyWay({ ignoreTrailingSlash: true });
      for (const r of this.latest.values()) this.router.on(r.method, r.path, () => {}, { version: r.version });
    }
    if (!isMethod(method)) return undefined;
    const store: unknown = this.router.find(method, path)?.store;
    return typeof store === 'object' && store !== null && 'version' in store && typeof store.version === 'number'
      ? store.version
      : undefined;
  }

  /** Fastify's rewriteUrl: applies the method override, then fills in the latest version. */
  rewrite(req: IncomingMessage): string {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    let path = q < 0 ? url : url.slice(0, q);
    let query = q < 0 ? '' : url.slice(q + 1);
    if (query.includes('_method=')) {
      const params = new URLSearchParams(query);
      this.override(req, params.get('_method'));
      params.delete('_method');
      query = params.toString();
    }
    this.override(req, req.headers['x-http-method-override']);
    if (!VERSIONED.test(path)) {
      const version = this.lookup(req.method ?? 'GET', path);
      if (version !== undefined) path = `/${version}${path}`;
    }
    return query ? `${path}?${query}` : path;
  }

  private override(req: IncomingMessage, wanted: unknown): void {
    if (req.method !== 'POST' || typeof wanted !== 'string') return;
    const method = wanted.toUpperCase();
    if (OVERRIDABLE.has(method)) req.method = method;
  }
}

export default fp<{ versions: VersionRouter }>(
  async function versioning(app, { versions }) {
    app.addHook('onRoute', (route) => {
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      for (const method of methods) versions.add(method, route.url);
    });
  },
  { name: 'versioning' },
);
