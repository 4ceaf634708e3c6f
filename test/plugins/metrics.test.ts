import t from 'tap';
import { ADMIN_TOKEN, bearer, buildTestApp, testDatabase } from '../helper.js';
import { createUser } from '../factories/users.js';
import { CARDS, saveCard } from '../factories/billing.js';
import { addProduct } from '../factories/organisations.js';

// Prometheus metrics: requests by route and status, latency, rate-limit refusals, renewal outcomes.

const database = await testDatabase(t);

t.test('the counters', async (t) => {
  const app = await buildTestApp(t, { database, config: { RATE_LIMIT_MAX: 2 } });
  const u = await createUser(app.db);
  for (let i = 0; i < 3; i++) await app.inject({ method: 'GET', url: '/2/profile', headers: bearer(u.token) });
  await app.inject({ method: 'GET', url: '/no/such/path' });
  const res = await app.inject({ method: 'GET', url: '/metrics' });
  t.equal(res.statusCode, 200);
  t.match(res.headers['content-type'], /text\/plain/);
  t.match(res.body, /ikm_http_requests_total\{method="GET",route="\/2\/profile",status="200"\} 2/);
  t.match(res.body, /ikm_http_requests_total\{method="GET",route="\/2\/profile",status="429"\} 1/);
  t.match(
    res.body,
    /ikm_http_requests_total\{method="GET",route="unmatched",status="404"\} 1/,
    'unknown paths share one series',
  );
  t.match(res.body, /ikm_rate_limit_rejections_total 1/);
  t.match(res.body, /ikm_http_request_duration_seconds_bucket\{le="0.1",method="GET",route="\/2\/profile"\}/);
  // Buckets are cumulative: the last one (+Inf) and the count hold every answer of the route.
  const profile = (name: string) =>
    Number(
      new RegExp(`^ikm_http_request_duration_seconds_${name}\\{[^}]*route="/2/profile"\\} (\\S+)$`, 'm').exec(
        res.body,
      )?.[1],
    );
  t.equal(profile('count'), 3, 'three answers of /2/profile');
  t.match(res.body, /ikm_http_request_duration_seconds_bucket\{le="\+Inf",method="GET",route="\/2\/profile"\} 3/);
  t.ok(profile('sum') > 0 && profile('sum') < 60, 'the sum is in seconds');
  const buckets = [
    ...res.body.matchAll(
      /^ikm_http_request_duration_seconds_bucket\{le="[^"]+",method="GET",route="\/2\/profile"\} (\d+)$/gm,
    ),
  ];
  const counts = buckets.map((m) => Number(m[1]));
  t.equal(counts.length, 11, 'ten bounds and +Inf');
  t.same(
    counts,
    [...counts].sort((a, b) => a - b),
    'never decreasing',
  );
  t.match(res.body, /# TYPE ikm_http_request_duration_seconds histogram/);
  t.match(res.body, /# TYPE ikm_http_requests_total counter/);
  t.match(res.body, /ikm_process_resident_memory_bytes/);
  for (let i = 0; i < 5; i++)
    t.equal((await app.inject({ method: 'GET', url: '/metrics' })).statusCode, 200, 'never rate limited');
});

t.test('renewal outcomes', async (t) => {
  const app = await buildTestApp(t, { database });
  const u = await createUser(app.db);
  const card = await saveCard(app, u.token, u.accountId, CARDS.visa);
  const id = (
    await addProduct(app.db, u.accountId, 'domain', {
      customer_name: 'metrics.ch',
      fqdn: 'metrics.ch',
      expiresInDays: 5,
    })
  ).id;
  await app.db
    .updateTable('products')
    .set({ auto_renewal: true, auto_renewal_method_id: card })
    .where('id', '=', id)
    .execute();
  await app.inject({ method: 'PUT', url: '/_mirror/clock', headers: bearer(ADMIN_TOKEN), payload: { advance: 1 } });
  await app.inject({ method: 'PUT', url: '/_mirror/clock', headers: bearer(ADMIN_TOKEN), payload: { reset: true } });
  t.match(
    (await app.inject({ method: 'GET', url: '/metrics' })).body,
    /ikm_renewal_attempts_total\{outcome="succeeded"\} 1/,
  );
});

t.test('behind METRICS_TOKEN when set', async (t) => {
  const app = await buildTestApp(t, { database, config: { METRICS_TOKEN: 'metrics-token-0123456789' } });
  const refused = await app.inject({ method: 'GET', url: '/metrics' });
  t.equal(refused.statusCode, 401);
  t.equal((await app.inject({ method: 'GET', url: '/metrics', headers: bearer('wrong-token-value') })).statusCode, 401);
  t.equal(
    (await app.inject({ method: 'GET', url: '/metrics', headers: bearer('metrics-token-0123456789') })).statusCode,
    200,
  );
});
