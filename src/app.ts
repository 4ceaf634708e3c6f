import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyServerOptions } from 'fastify';
import underPressure from '@fastify/under-pressure';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Config } from './config.js';
import type { DatabaseHandle } from './db/database.js';
import authIdentify, { enforceAuth } from './plugins/auth.js';
import db from './plugins/db.js';
import answerCache from './plugins/answer-cache.js';
import sandbox from './plugins/sandbox.js';
import { Sandboxes } from './db/sandboxes.js';
import settings from './plugins/settings.js';
import errors, { answerFrameworkError } from './plugins/errors.js';
import openapi from './plugins/openapi.js';
import routeMeta from './plugins/route-meta.js';
import docsUi from './plugins/docs-ui.js';
import rateLimit from './plugins/rate-limit/index.js';
import { MemoryStore, RedisStore, ScopedStore, type RateLimitStore } from './plugins/rate-limit/stores.js';
import requestIdHeader, { requestId } from './plugins/request-id.js';
import { httpServerOptions } from './plugins/http-server.js';
import { RequestLog } from './plugins/request-log.js';
import { parseQuery } from './plugins/querystring.js';
import { validatorCompiler } from './plugins/validation.js';
import { lazySerializers } from './plugins/serialization.js';
import versioning, { VersionRouter } from './plugins/versioning.js';
import { healthModule } from './modules/health/index.js';
import { profileModule } from './modules/profile/index.js';
import { referenceModule } from './modules/reference/index.js';
import { eventsModule } from './modules/events/index.js';
import { signupModule } from './modules/signup/index.js';
import { accountsModule } from './modules/accounts/index.js';
import { membersModule } from './modules/members/index.js';
import { invitationsModule } from './modules/invitations/index.js';
import { teamsModule } from './modules/teams/index.js';
import { productsModule } from './modules/products/index.js';
import { billingModule } from './modules/billing/index.js';
import { invoicesModule } from './modules/invoices/index.js';
import { paymentsModule } from './modules/payments/index.js';
import { dueModule } from './modules/due/index.js';
import { renewalScheduler, renewalsModule, type Ticker } from './modules/renewals/index.js';
import { mirrorHooks, mirrorModule } from './modules/mirror/index.js';
import { syncClock } from './db/clock.js';
import formbody from '@fastify/formbody';
import { oauthModule, serverSecret } from './modules/oauth/index.js';
import { appPasswordsModule } from './modules/app-passwords/index.js';
import { activityHook, activityModule } from './modules/activity/index.js';
import { supportModule } from './modules/support/index.js';
import { postmanModule } from './modules/postman/index.js';
import metrics from './plugins/metrics.js';
import { tokenAuthenticator, tokensModule } from './modules/tokens/index.js';
import {
  consoleCredentials,
  managerModule,
  withConsoleSessions,
  type ConsoleCredentials,
} from './modules/manager/index.js';

export interface AppOptions {
  config: Config;
  database: DatabaseHandle;
  logger?: FastifyServerOptions['logger'];
  /** Overrides the store chosen from the config (tests share one between two apps). */
  rateLimitStore?: RateLimitStore;
  /** What fires the renewal job every RENEWAL_INTERVAL_SECONDS (tests fire it themselves). */
  renewalTicker?: Ticker;
}

function createServer(config: Config, logger: FastifyServerOptions['logger'], versions: VersionRouter) {
  const app = Fastify({
    logger,
    genReqId: requestId,
    logController: new RequestLog({ requestIdLogLabel: 'request_id' }),
    rewriteUrl: (req) => versions.rewrite(req),
    routerOptions: { ignoreTrailingSlash: true, querystringParser: parseQuery },
    bodyLimit: 1_048_576,
    schemaController: lazySerializers,
    frameworkErrors: answerFrameworkError,
    ...httpServerOptions(config),
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  return app;
}

type Server = ReturnType<typeof createServer>;

/** The counters of the rate limit, scoped to this database (see the design notes). */
async function limiterStore(database: DatabaseHandle, config: Config, override: RateLimitStore | undefined) {
  // The database's id, kept in it (so every instance on it agrees) and out of snapshots and resets.
  const databaseId = await serverSecret(database.db, 'rate_limit_scope', () => randomBytes(8).toString('hex'));
  const counters =
    override ??
    (config.REDIS_URL ? new RedisStore(config.REDIS_URL, `${config.RATE_LIMIT_PREFIX}rl:`) : new MemoryStore());
  return new ScopedStore(counters, databaseId);
}

/** Cross-cutting concerns, in the order a request meets them, up to the data it may act on. */
async function registerRequestPipeline(app: Server, config: Config, database: DatabaseHandle, versions: VersionRouter) {
  // First, so that every route added after it is checked and listed: what it declares of itself.
  await app.register(routeMeta);
  await app.register(errors);
  // The OAuth endpoints take forms (the sign-in pages register the cookie plugin themselves).
  await app.register(formbody);
  await app.register(db, { database });
  await syncClock(database.db);
  // Before anything reads data: which database (main or a sandbox's) the request acts on.
  const sandboxes = config.MIRROR_ADMIN_TOKEN ? Sandboxes.of(database, config.MIRROR_SANDBOX_LIMIT) : null;
  await app.register(sandbox, { sandboxes, adminToken: config.MIRROR_ADMIN_TOKEN });
  await app.register(settings, { config });
  await app.register(requestIdHeader);
  await app.register(underPressure, { exposeStatusRoute: false });
  await app.register(versioning, { versions });
  await app.register(openapi, { serverUrl: () => app.publicUrl });
  await app.register(metrics, { token: config.METRICS_TOKEN });
  // The control plane's faults and journal meet a request before anything else.
  await app.register(mirrorHooks, { adminToken: config.MIRROR_ADMIN_TOKEN });
}

/** Who calls (identify), how often (the limiter), whether they may (enforce), what it leaves in the log. */
async function registerCallerChecks(
  app: Server,
  config: Config,
  store: RateLimitStore,
  consoleKeys: ConsoleCredentials,
) {
  const authenticate = tokenAuthenticator(app.db, (err) => app.log.warn({ err }, 'last_used_at not saved'));
  app.decorate('tokenUsesWritten', () => authenticate.settled());
  app.addHook('onClose', () => authenticate.settled());
  // Tokens, and the Manager console's calls made for a signed-in session.
  await app.register(authIdentify, { authenticate: withConsoleSessions(authenticate, consoleKeys, app.db) });
  await app.register(rateLimit, { max: config.RATE_LIMIT_MAX, windowMs: 60_000, store });
  await app.register(enforceAuth);
  // A read already answered on the same data is answered again from memory, before its handler.
  await app.register(answerCache, { maxBytes: config.ANSWER_CACHE_MB * 1024 * 1024 });
  // The activity module's recording hook: before every module, so that it sees all their routes.
  await app.register(activityHook);
}

/** The modules: the whole route map, in the order of the OpenAPI document. */
async function registerModules(
  app: Server,
  config: Config,
  store: RateLimitStore,
  renewalTicker: Ticker | undefined,
  consoleKeys: ConsoleCredentials,
) {
  await app.register(healthModule);
  await app.register(tokensModule);
  await app.register(profileModule, { publicUrl: () => app.publicUrl });
  await app.register(referenceModule);
  await app.register(eventsModule);
  await app.register(signupModule);
  await app.register(accountsModule);
  await app.register(membersModule);
  await app.register(invitationsModule);
  await app.register(teamsModule);
  await app.register(productsModule);
  await app.register(billingModule);
  await app.register(invoicesModule);
  await app.register(paymentsModule);
  await app.register(dueModule);
  await app.register(renewalScheduler, { intervalSeconds: config.RENEWAL_INTERVAL_SECONDS, ticker: renewalTicker });
  await app.register(renewalsModule);
  await app.register(mirrorModule);
  await app.register(oauthModule, { store });
  await app.register(appPasswordsModule);
  await app.register(activityModule);
  await app.register(supportModule);
  await app.register(postmanModule);
  await app.register(managerModule, { store, credentials: consoleKeys });
  // Swagger UI last: it shows the routes of every module.
  await app.register(docsUi);
}

export async function buildApp({ config, database, logger = false, rateLimitStore, renewalTicker }: AppOptions) {
  const versions = new VersionRouter();
  const app = createServer(config, logger, versions);
  await registerRequestPipeline(app, config, database, versions);
  const store = await limiterStore(database, config, rateLimitStore);
  const consoleKeys = consoleCredentials();
  await registerCallerChecks(app, config, store, consoleKeys);
  await registerModules(app, config, store, renewalTicker, consoleKeys);
  return app;
}

export type App = Awaited<ReturnType<typeof buildApp>>;
