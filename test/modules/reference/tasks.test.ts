import t from 'tap';
import { bearer, buildTestApp } from '../../helper.js';
import { createUser } from '../../factories/users.js';
import { addTask } from '../../factories/profile.js';
import { upstreamKeys } from './upstream.js';

interface Task {
  uuid: string;
  status: string;
  created_at: number;
  response: Record<string, unknown> | null;
  error: Record<string, unknown> | null;
}

t.test('asynchronous tasks', async (t) => {
  const app = await buildTestApp(t);
  const alice = await createUser(app.db);
  const bob = await createUser(app.db);
  const get = (url: string, token = alice.token) => app.inject({ method: 'GET', url, headers: bearer(token) });

  const base = 1_700_000_000;
  const done = await addTask(app.db, alice.id, {
    status: 'executed',
    created_at: base,
    executed_at: base + 1,
    finished_at: base + 5,
    response: { result: 'success', data: { id: 42, name: 'done' } },
  });
  const failed = await addTask(app.db, alice.id, {
    status: 'failed',
    created_at: base + 10,
    executed_at: base + 11,
    finished_at: base + 12,
    error: { code: 'unexpected_error', description: 'It broke' },
  });
  const queued = await addTask(app.db, alice.id, { status: 'spooled', created_at: base + 20 });
  const bobs = await addTask(app.db, bob.id, { status: 'running', created_at: base + 30, executed_at: base + 31 });

  t.test('items carry exactly the official field names', async (t) => {
    const expected = upstreamKeys('get', '/1/async/tasks');
    t.same(upstreamKeys('get', '/1/async/tasks/{task_uuid}'), expected);
    t.equal(expected.length, 8);
    const list = (await get('/1/async/tasks')).json();
    t.equal(list.data.length, 3);
    for (const task of list.data) t.same(Object.keys(task).sort(), expected, task.uuid);
    const one = (await get(`/1/async/tasks/${done}`)).json();
    t.same(Object.keys(one.data).sort(), expected);
  });

  t.test('each user lists only their own, newest first', async (t) => {
    const mine = (await get('/1/async/tasks')).json();
    t.same(
      mine.data.map((x: Task) => x.uuid),
      [queued, failed, done],
    );
    t.same([mine.total, mine.page, mine.pages], [3, 1, 1]);
    const his = (await get('/1/async/tasks', bob.token)).json();
    t.same(
      his.data.map((x: Task) => x.uuid),
      [bobs],
    );
    t.equal(his.total, 1);
    const nobody = await createUser(app.db);
    const empty = (await get('/1/async/tasks', nobody.token)).json();
    t.same([empty.data, empty.total], [[], 0]);
  });

  t.test('a task shows its outcome', async (t) => {
    const res = await get(`/1/async/tasks/${done}`);
    t.equal(res.statusCode, 200);
    t.same(res.json().data, {
      uuid: done,
      status: 'executed',
      created_at: base,
      updated_at: base + 5, // its last change: when it finished
      executed_at: base + 1,
      finished_at: base + 5,
      response: { result: 'success', data: { id: 42, name: 'done' } },
      error: null,
    });
    const bad = (await get(`/1/async/tasks/${failed}`)).json().data;
    t.same(
      [bad.status, bad.response, bad.error],
      ['failed', null, { code: 'unexpected_error', description: 'It broke' }],
    );
    const waiting = (await get(`/1/async/tasks/${queued}`)).json().data;
    t.same([waiting.status, waiting.executed_at, waiting.finished_at], ['spooled', null, null]);
  });

  t.test("another user's task is not found", async (t) => {
    const res = await get(`/1/async/tasks/${bobs}`);
    t.equal(res.statusCode, 404);
    t.equal(res.json().error.code, 'object_not_found');
    const unknown = await get('/1/async/tasks/3f1e4a2c-1111-4222-8333-944455556666');
    t.equal(unknown.statusCode, 404);
    t.equal(unknown.json().error.code, 'object_not_found');
    const his = await get(`/1/async/tasks/${bobs}`, bob.token);
    t.equal(his.statusCode, 200);
    t.equal(his.json().data.status, 'running');
  });

  t.test('an invalid uuid is a 422', async (t) => {
    for (const id of ['not-a-uuid', '12345', `${done}x`]) {
      const res = await get(`/1/async/tasks/${id}`);
      t.equal(res.statusCode, 422, id);
      t.equal(res.json().error.code, 'validation_failed');
      t.equal(res.json().error.errors[0].context.attribute, 'task_uuid');
    }
  });

  t.test('pagination, counting and ordering', async (t) => {
    const p2 = (await get('/1/async/tasks?per_page=2&page=2')).json();
    t.same(
      p2.data.map((x: Task) => x.uuid),
      [done],
    );
    t.same([p2.total, p2.page, p2.pages, p2.items_per_page], [3, 2, 2, 2]);
    const skipped = (await get('/1/async/tasks?limit=1&skip=1')).json();
    t.same(
      skipped.data.map((x: Task) => x.uuid),
      [failed],
    );
    t.same((await get('/1/async/tasks?return=total')).json(), { result: 'success', data: 3 });
    t.same((await get('/1/async/tasks?return=total', bob.token)).json().data, 1);
    const oldest = (await get('/1/async/tasks?order_by=created_at&order=asc')).json();
    t.same(
      oldest.data.map((x: Task) => x.uuid),
      [done, failed, queued],
    );
    const byStatus = (await get('/1/async/tasks?order_for[status]=asc')).json();
    t.same(
      byStatus.data.map((x: Task) => x.status),
      ['executed', 'failed', 'spooled'],
    );
    const badSort = await get('/1/async/tasks?order_by=user_id');
    t.equal(badSort.statusCode, 422);
    t.same(badSort.json().error.errors[0], {
      code: 'validation_rule_in',
      description: badSort.json().error.errors[0].description,
      context: { attribute: 'order_by', values: ['created_at', 'updated_at', 'status'] },
    });
    const tooLarge = await get('/1/async/tasks?page=101&per_page=100');
    t.equal(tooLarge.statusCode, 400);
    t.equal(tooLarge.json().error.code, 'results_set_too_large_error');
  });

  t.test('a token is required', async (t) => {
    for (const url of ['/1/async/tasks', `/1/async/tasks/${done}`]) {
      const res = await app.inject({ method: 'GET', url });
      t.equal(res.statusCode, 401, url);
      t.equal(res.json().error.code, 'not_authorized');
    }
  });
});
