import fp from 'fastify-plugin';
import type { FastifyRequest, RouteOptions } from 'fastify';
import type { RouteAuth } from '../shared/scopes.js';

// What a route declares of itself beside its schema, in its `config`: the line of the activity
// log a change through it leaves, and who in an organisation may call it. Checked as each route
// is added, so a route that forgets either stops the app from booting; collected in
// `app.routeTable`, which the tests of the activity log and of isolation read.

/** The line the activity hook writes after a successful change through the route. */
export interface RouteActivity {
  /** The action code (one of GET /1/actions), or a function of the request choosing one. */
  action: string | ((req: FastifyRequest) => string);
  /** What the change was made on, and where its id comes from (a path parameter, or the answer's data.id or the field named). */
  target?: { type: string; param?: string; fromResponse?: boolean | string };
  /** A route open without a token (an invitation's key): the actor is the answer's data.user_id. */
  actorFromResponse?: boolean;
}

/** A route that changes data but records nothing of its own, and why. */
export interface NoActivity {
  none: string;
}

/**
 * The isolation class of an organisation route. The scope a token needs is the route's `auth`;
 * `min` is the least role that may call it: 'member' routes refuse no member, 'billing' ones a
 * normal member without has_billing_access.
 */
export interface RouteAccess {
  min: 'member' | 'billing' | 'admin' | 'owner';
  /** false for routes that are not about one organisation (lists across them, `current`). */
  scoped?: false;
  /**
   * A change that never changes a membership (paying): its caller's membership is read with the
   * token, as a read's is, instead of in a statement of its own. Changes otherwise read it afresh.
   */
  membershipWithToken?: true;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Required on every route that changes data (POST, PUT, PATCH, DELETE). */
    activity?: RouteActivity | NoActivity;
    /** Required on every organisation route (ORGANISATION_PATH). */
    access?: RouteAccess;
  }
  interface FastifyInstance {
    /** Every route added (HEAD ones aside) with what it declares, in the order they were added. */
    routeTable: readonly RouteMeta[];
  }
}

export interface RouteMeta {
  method: string;
  url: string;
  auth?: RouteAuth;
  activity?: RouteActivity | NoActivity;
  access?: RouteAccess;
}

/** The methods of a request that changes data. */
export const CHANGING_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The routes about organisations and what they hold: each has an isolation class. */
export const ORGANISATION_PATH = /^\/\d+\/(accounts?|products)(\/|$)/;

/** Why a route's declaration is refused, or undefined when it is complete. */
function missingDeclaration(method: string, route: RouteOptions): string | undefined {
  const config = route.config ?? {};
  if (CHANGING_METHODS.has(method) && !config.activity)
    return 'changes data but declares no config.activity (an action, or { none: why })';
  if (!ORGANISATION_PATH.test(route.url)) return undefined;
  if (!config.access) return 'is an organisation route but declares no config.access';
  const auth = config.auth;
  if (typeof auth !== 'object' || !auth.scopes.some((s) => s === 'accounts' || s === 'billing')) {
    return 'is an organisation route but requires neither the accounts nor the billing scope';
  }
  return undefined;
}

export default fp(
  async function routeMeta(app) {
    const table: RouteMeta[] = [];
    app.decorate('routeTable', table);
    app.addHook('onRoute', (route) => {
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      for (const method of methods) {
        if (method === 'HEAD') continue;
        const refused = missingDeclaration(method, route);
        if (refused) throw new Error(`route ${method} ${route.url} ${refused}`);
        const { auth, activity, access } = route.config ?? {};
        table.push({ method, url: route.url, auth, activity, access });
      }
    });
  },
  { name: 'route-meta' },
);
