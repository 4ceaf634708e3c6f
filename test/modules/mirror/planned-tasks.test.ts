import t from 'tap';
import { bearer, buildTestApp } from '../../helper.js';
import { createUser } from '../../factories/users.js';
import { failedAttributes } from '../../factories/organisations.js';
import { admin as controlPlane } from '../../factories/renewals.js';

// POST /_mirror/tasks: a task that moves spooled → running → executed (or failed) as the
// mirror's clock moves, so that a client's polling of /1/async/tasks can be tested.

t.test('a planned task moves with the clock', async (t) => {
  const app = await buildTestApp(t);
  const alice = await createUser(app.db);
  const poll = async (uuid: string, token = alice.token) =>
    app.inject({ method: 'GET', url: `/1/async/tasks/${uuid}`, headers: bearer(token) });
  const advance = async (seconds: number) =>
    t.equal((await controlPlane(app, 'PUT', '/_mirror/clock', { advance: seconds })).statusCode, 200);

  const made = await controlPlane(app, 'POST', '/_mirror/tasks', {
    user_id: alice.id,
    running_after: 10,
    done_after: 30,
    response: { result: 'success', data: { id: 42 } },
  });
  t.equal(made.statusCode, 201, made.body);
  const task = made.json().data;
  t.match(task, { status: 'spooled', executed_at: null, finished_at: null, response: null, error: null });
  const created = task.created_at;

  t.equal((await poll(task.uuid)).json().data.status, 'spooled', 'as the owner polls it');
  await advance(10);
  const running = (await poll(task.uuid)).json().data;
  t.same(
    [running.status, running.executed_at, running.finished_at, running.response, running.updated_at],
    ['running', created + 10, null, null, created + 10],
  );
  await advance(20);
  const done = (await poll(task.uuid)).json().data;
  t.same(
    [done.status, done.executed_at, done.finished_at, done.response, done.updated_at],
    ['executed', created + 10, created + 30, { result: 'success', data: { id: 42 } }, created + 30],
  );
  const listed = (await app.inject({ method: 'GET', url: '/1/async/tasks', headers: bearer(alice.token) })).json();
  t.same(
    listed.data.map((x: { uuid: string; status: string }) => [x.uuid, x.status]),
    [[task.uuid, 'executed']],
  );

  await controlPlane(app, 'PUT', '/_mirror/clock', { reset: true });
  t.equal((await poll(task.uuid)).json().data.status, 'spooled', 'the clock set back, the task reads as it stood');

  const other = await createUser(app.db);
  t.equal((await poll(task.uuid, other.token)).statusCode, 404, "another user's task is not found");
});

t.test('a failed outcome, defaults, and what is refused', async (t) => {
  const app = await buildTestApp(t);
  const bob = await createUser(app.db);
  const plan = (body: unknown) => controlPlane(app, 'POST', '/_mirror/tasks', body);

  const failing = (await plan({ user_id: bob.id, running_after: 0, done_after: 5, outcome: 'failed' })).json().data;
  t.equal(failing.status, 'running', 'running at once');
  await controlPlane(app, 'PUT', '/_mirror/clock', { advance: 5 });
  const failed = (
    await app.inject({ method: 'GET', url: `/1/async/tasks/${failing.uuid}`, headers: bearer(bob.token) })
  ).json().data;
  t.same(
    [failed.status, failed.response, failed.error],
    ['failed', null, { code: 'unexpected_error', description: 'The task failed' }],
  );

  const plain = (await plan({ user_id: bob.id })).json().data;
  t.equal(plain.status, 'running', 'no running_after: running from the start');
  await controlPlane(app, 'PUT', '/_mirror/clock', { advance: 60 });
  const ran = (
    await app.inject({ method: 'GET', url: `/1/async/tasks/${plain.uuid}`, headers: bearer(bob.token) })
  ).json().data;
  t.same([ran.status, ran.response], ['executed', { result: 'success', data: true }], 'done a minute later');

  const backwards = await plan({ user_id: bob.id, running_after: 30, done_after: 10 });
  t.equal(backwards.statusCode, 422);
  t.same(failedAttributes(backwards.json()), ['done_after']);
  const nobody = await plan({ user_id: 99_999_999 });
  t.equal(nobody.statusCode, 422);
  t.same(failedAttributes(nobody.json()), ['user_id']);
  const bad = await plan({ user_id: bob.id, outcome: 'done', extra: 1 });
  t.equal(bad.statusCode, 422);
  t.same(failedAttributes(bad.json()).sort(), ['extra', 'outcome']);
  const asUser = await app.inject({
    method: 'POST',
    url: '/_mirror/tasks',
    headers: bearer(bob.token),
    payload: { user_id: bob.id },
  });
  t.equal(asUser.statusCode, 401, 'only the admin token plans tasks');
});
