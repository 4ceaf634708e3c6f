import t from 'tap';
import Fastify, { type FastifyContextConfig } from 'fastify';
import routeMeta from '../../src/plugins/route-meta.js';

// What a route declares of itself is checked as it is added: a route that changes data without
// its activity line, or an organisation route without its isolation class, stops the app from
// booting; the others are listed in app.routeTable with what they declare.

async function bareApp(method: 'GET' | 'POST' | 'DELETE', url: string, config: FastifyContextConfig) {
  const app = Fastify();
  await app.register(routeMeta);
  // Registered without awaiting, so the broken case fails in ready(), as a module would.
  app.register(async (mod) => {
    mod.route({ method, url, config, handler: async () => ({ ok: true }) });
  });
  // Wrapped: a Fastify instance is thenable, and returning it bare would await ready().
  return { app };
}

const accounts = { auth: { scopes: ['accounts' as const] } };

t.test('a route that changes data names its activity', async (t) => {
  const { app: broken } = await bareApp('POST', '/1/thing', { auth: 'public' });
  await t.rejects(async () => {
    await broken.ready();
  }, /POST \/1\/thing changes data but declares no config\.activity/);
  const { app: removing } = await bareApp('DELETE', '/1/thing', { auth: 'public' });
  await t.rejects(async () => {
    await removing.ready();
  }, /DELETE \/1\/thing changes data/);

  // Control: the same routes with an activity (an action, or none and why) boot.
  for (const activity of [{ action: 'item_added' }, { none: "nothing of a user's" }]) {
    const { app } = await bareApp('POST', '/1/thing', { auth: 'public', activity });
    t.teardown(() => app.close());
    await app.ready();
    t.same(
      app.routeTable,
      [{ method: 'POST', url: '/1/thing', auth: 'public', activity, access: undefined }],
      'listed with its declaration',
    );
  }
  // A route that only reads needs none.
  const { app: reading } = await bareApp('GET', '/1/thing', { auth: 'public' });
  t.teardown(() => reading.close());
  await reading.ready();
  t.same(
    reading.routeTable.map((r) => r.method),
    ['GET'],
    'listed once: the HEAD route Fastify adds is not',
  );
});

t.test('an organisation route names its isolation class', async (t) => {
  for (const url of ['/1/accounts', '/1/account', '/2/accounts/:account/users', '/1/products']) {
    const { app } = await bareApp('GET', url, accounts);
    await t.rejects(
      async () => {
        await app.ready();
      },
      new RegExp(`GET ${url} is an organisation route but declares no config\\.access`),
    );
  }
  const { app: unscoped } = await bareApp('GET', '/1/accounts/:account', {
    auth: { scopes: ['user_info'] },
    access: { min: 'member' },
  });
  await t.rejects(async () => {
    await unscoped.ready();
  }, /requires neither the accounts nor the billing scope/);

  // Control: declared, it boots; a path that only starts alike is no organisation route.
  const { app } = await bareApp('GET', '/1/accounts/:account', { ...accounts, access: { min: 'admin' } });
  t.teardown(() => app.close());
  await app.ready();
  t.match(app.routeTable, [{ url: '/1/accounts/:account', access: { min: 'admin' } }]);
  const { app: other } = await bareApp('GET', '/1/accountsx', { auth: 'public' });
  t.teardown(() => other.close());
  await other.ready();
});
