import t from 'tap';
import { bearer, buildTestApp } from '../../helper.js';
import { createUser } from '../../factories/users.js';
import { failedAttributes } from '../../factories/organisations.js';
import { admin } from '../../factories/renewals.js';
import { upstreamKeys } from '../reference/upstream.js';

// The status page: events the control plane publishes (and the demo seeds), read by anyone
// with the official document's fields and filters.

const DAY = 86_400;
const base = 1_790_000_000;

interface Event {
  id: number;
  url: string;
  status: string;
  description: { title: string; description: string };
}

t.test('events: published, listed, filtered, read', async (t) => {
  const app = await buildTestApp(t);
  const publish = async (body: object) => {
    const res = await admin(app, 'POST', '/_mirror/events', body);
    t.equal(res.statusCode, 201, res.body);
    return res.json().data as Event;
  };
  const incident = await publish({
    type: 'incident',
    status: 'inprogress',
    title: 'Public Cloud degraded',
    description: 'Some instances do not start.',
    translations: [{ language: 'fr', title: 'Public Cloud dégradé', body: 'Des instances ne démarrent pas.' }],
    services: ['public_cloud'],
    is_cyberattack: true,
    started_at: base,
  });
  const past = await publish({
    type: 'maintenance',
    event_type: 'server',
    status: 'terminated',
    title: 'Hosting maintenance',
    description: 'Done.',
    comments: [{ title: 'Finished', body: 'All good', started_at: base - DAY + 3600, translations: [] }],
    services: ['hosting'],
    started_at: base - DAY,
    ended_at: base - DAY + 3600,
  });
  const auto = await publish({
    type: 'incident',
    status: 'reviewed',
    title: 'Automatic probe',
    description: 'Raised by a probe.',
    is_auto: true,
    started_at: base - 2 * DAY,
    ended_at: base - 2 * DAY + 60,
  });
  const list = async (query = '') => {
    const res = await app.inject({ method: 'GET', url: `/2/events${query}` });
    t.equal(res.statusCode, 200, `${query}: ${res.body}`);
    return res.json().data as Event[];
  };
  const ids = async (query = '') => (await list(query)).map((e) => e.id);

  t.test('the official fields, no token needed', async (t) => {
    const [first] = await list();
    t.same(Object.keys(first).sort(), upstreamKeys('get', '/2/events'));
    t.match(first, {
      id: incident.id,
      type: 'incident',
      status: 'inprogress',
      description: { title: 'Public Cloud degraded', description: 'Some instances do not start.' },
      services: [{ name: 'public_cloud' }],
      started_at: base,
      ended_at: null,
    });
    t.match(first.url, /^[A-Za-z0-9_-]{10}$/);
    t.not(first.url, past.url, 'each event its own code');
    const one = await app.inject({ method: 'GET', url: `/2/events/${past.id}` });
    t.equal(one.statusCode, 200);
    t.same(Object.keys(one.json().data).sort(), upstreamKeys('get', '/2/events/{event_id}'));
    t.same(one.json().data.comments, [
      { title: 'Finished', body: 'All good', started_at: base - DAY + 3600, translations: [] },
    ]);
  });

  t.test('filters', async (t) => {
    t.same(await ids(), [incident.id, past.id], 'newest first; automatic ones hidden');
    t.same(await ids('?show_auto=1'), [incident.id, past.id, auto.id]);
    t.same(await ids('?status=terminated'), [past.id]);
    t.same(await ids('?event_type=server'), [past.id]);
    t.same(await ids('?event_types[]=public&event_types[]=server'), [incident.id, past.id]);
    t.same(await ids('?event_types[]=streaming'), []);
    t.same(await ids('?is_cyberattack=true'), [incident.id]);
    t.same(await ids(`?date_from=${base - 60}`), [incident.id], 'not ended before');
    t.same(await ids(`?date_to=${base - 60}`), [past.id], 'started by');
    const fr = await list('?locale=fr');
    t.equal(fr[0].description.title, 'Public Cloud dégradé', 'in the asked language');
    t.equal(fr[1].description.title, 'Hosting maintenance', 'or as written when it has no translation');
    const bad = await app.inject({ method: 'GET', url: '/2/events?status=closed&event_type=x&date_from=-1' });
    t.equal(bad.statusCode, 422);
    t.same(failedAttributes(bad.json()).sort(), ['date_from', 'event_type', 'status']);
  });

  t.test('the public cloud status follows its events in progress', async (t) => {
    const status = async () => (await app.inject({ method: 'GET', url: '/2/events/public-cloud-status' })).json().data;
    const now = await status();
    t.equal(now.status, 'incident');
    t.same(
      now.events.map((e: Event) => e.id),
      [incident.id],
    );
    const ended = await admin(app, 'PATCH', `/_mirror/events/${incident.id}`, {
      status: 'terminated',
      ended_at: base + 3600,
    });
    t.equal(ended.statusCode, 200, ended.body);
    t.match(ended.json().data, { status: 'terminated', ended_at: base + 3600 });
    t.same(await status(), { status: 'operational', events: [] });
  });

  t.test('trashed events, unknown ones', async (t) => {
    t.equal((await admin(app, 'PATCH', `/_mirror/events/${past.id}`, { deleted: true })).statusCode, 200);
    t.notOk((await ids()).includes(past.id), 'gone from the list');
    t.ok((await ids('?with_trashed=1')).includes(past.id), 'unless with_trashed');
    const gone = await app.inject({ method: 'GET', url: `/2/events/${past.id}` });
    t.equal(gone.statusCode, 404);
    t.equal(gone.json().error.code, 'object_not_found');
    t.equal((await admin(app, 'PATCH', `/_mirror/events/${past.id}`, { deleted: false })).statusCode, 200);
    t.equal((await app.inject({ method: 'GET', url: `/2/events/${past.id}` })).statusCode, 200, 'back');
    t.equal((await app.inject({ method: 'GET', url: '/2/events/99999999' })).statusCode, 404);
    t.equal((await app.inject({ method: 'GET', url: '/2/events/abc' })).statusCode, 422);
    t.equal((await admin(app, 'PATCH', '/_mirror/events/99999999', { status: 'planned' })).statusCode, 404);
  });

  t.test('what the control plane refuses', async (t) => {
    const event = { type: 'incident', status: 'planned', title: 'x', description: 'y', started_at: base };
    const bad = await admin(app, 'POST', '/_mirror/events', { ...event, status: 'open' });
    t.equal(bad.statusCode, 422);
    t.same(failedAttributes(bad.json()), ['status']);
    const service = await admin(app, 'POST', '/_mirror/events', { ...event, services: ['nothing'] });
    t.equal(service.statusCode, 422);
    t.same(failedAttributes(service.json()), ['services.0']);
    const backwards = await admin(app, 'PATCH', `/_mirror/events/${auto.id}`, { ended_at: base - 10 * DAY });
    t.equal(backwards.statusCode, 422);
    t.same(failedAttributes(backwards.json()), ['ended_at']);
    const nobody = await admin(app, 'POST', '/_mirror/events', { ...event, user_id: 99_999_999 });
    t.equal(nobody.statusCode, 422);
    t.same(failedAttributes(nobody.json()), ['user_id']);
    const empty = await admin(app, 'PATCH', `/_mirror/events/${auto.id}`, {});
    t.equal(empty.statusCode, 422, 'a change changes something');
    const user = await createUser(app.db);
    const asUser = await app.inject({
      method: 'POST',
      url: '/_mirror/events',
      headers: bearer(user.token),
      payload: event,
    });
    t.equal(asUser.statusCode, 401, 'only the control plane publishes');
  });
});

t.test("a user's own events only when asked for them, and the demo seeds two", async (t) => {
  const app = await buildTestApp(t);
  const seeded = await admin(app, 'POST', '/_mirror/seed', { fixture: 'demo' });
  t.equal(seeded.statusCode, 200);
  const demo = (await app.inject({ method: 'GET', url: '/2/events' })).json().data;
  t.same(
    demo.map((e: { status: string; services: { name: string }[] }) => [e.status, e.services.map((s) => s.name)]),
    [
      ['planned', ['public_cloud']],
      ['terminated', ['hosting', 'web_hosting']],
    ],
  );
  const cloud = await app.inject({ method: 'GET', url: '/2/events/public-cloud-status' });
  t.equal(cloud.json().data.status, 'operational', 'a planned maintenance is not in progress');

  const user = await createUser(app.db);
  const own = await admin(app, 'POST', '/_mirror/events', {
    type: 'incident',
    status: 'inprogress',
    title: 'Your server is down',
    description: 'We are on it.',
    user_id: user.id,
    started_at: base,
  });
  t.equal(own.statusCode, 201);
  const idsFor = async (query: string) =>
    ((await app.inject({ method: 'GET', url: `/2/events${query}` })).json().data as { id: number }[]).map((e) => e.id);
  t.notOk((await idsFor('')).includes(own.json().data.id), 'not on the public list');
  t.ok((await idsFor(`?user_id=${user.id}`)).includes(own.json().data.id), "on that user's");
});
