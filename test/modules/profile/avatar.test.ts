import { crc32, deflateSync } from 'node:zlib';
import t from 'tap';
import { bearer, buildTestApp } from '../../helper.js';
import { createUser, type TestUser } from '../../factories/users.js';
import { upstreamKeys } from '../reference/upstream.js';

// Small but well-formed images, built here so the test shows exactly what is sent.

function chunk(type: string, data: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** A grey RGB PNG of the given size. */
function png(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(width * 3, 0x80)]);
  const pixels = deflateSync(Buffer.concat(Array.from({ length: height }, () => row)));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', pixels),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Header, logical screen descriptor with the size, trailer. */
function gif(width: number, height: number): Buffer {
  const b = Buffer.alloc(14);
  b.write('GIF89a', 0, 'latin1');
  b.writeUInt16LE(width, 6);
  b.writeUInt16LE(height, 8);
  b[13] = 0x3b;
  return b;
}

/** SOI, a JFIF APP0 segment (skipped by the reader), a baseline SOF0 with the size, EOI. */
function jpeg(width: number, height: number): Buffer {
  const app0 = Buffer.from([
    0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00,
  ]);
  const sof = Buffer.from([
    0xff, 0xc0, 0x00, 0x11, 0x08, 0, 0, 0, 0, 0x03, 0x01, 0x22, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01,
  ]);
  sof.writeUInt16BE(height, 5);
  sof.writeUInt16BE(width, 7);
  return Buffer.concat([Buffer.from([0xff, 0xd8]), app0, sof, Buffer.from([0xff, 0xd9])]);
}

const b64 = (b: Buffer) => b.toString('base64');
const pathOf = (url: string) => new URL(url).pathname;

t.test('profile avatar', async (t) => {
  const app = await buildTestApp(t);
  const u = await createUser(app.db);
  const other = await createUser(app.db);
  const upload = (avatar: unknown, who: TestUser = u, extra: Record<string, unknown> = {}) =>
    app.inject({ method: 'POST', url: '/2/profile/avatar', headers: bearer(who.token), payload: { avatar, ...extra } });
  const avatarOf = async (who: TestUser, query = '') =>
    (await app.inject({ method: 'GET', url: `/2/profile${query}`, headers: bearer(who.token) })).json().data.avatar as
      string | null;
  const fetchImage = (url: string) => app.inject({ method: 'GET', url: pathOf(url) });
  const rejected = (res: {
    statusCode: number;
    json(): { error: { code: string; errors: { code: string; context: { attribute: string } }[] } };
  }) => ({
    status: res.statusCode,
    code: res.json().error?.code,
    errors: res.json().error?.errors?.map((e) => [e.context.attribute, e.code]),
  });

  t.test('a square PNG becomes the avatar', async (t) => {
    const image = png(32, 32);
    const res = await upload(b64(image));
    t.equal(res.statusCode, 200);
    const body = res.json();
    t.same(Object.keys(body.data).sort(), upstreamKeys('post', '/2/profile/avatar'), 'the official field names');
    t.match(body.data.avatar, new RegExp(`^https?://[^/]+/avatars/${u.id}/[0-9a-f]{16}\\.img$`));

    const served = await fetchImage(body.data.avatar);
    t.equal(served.statusCode, 200, 'the image is public');
    t.equal(served.headers['content-type'], 'image/png');
    t.ok(served.rawPayload.equals(image), 'the exact bytes come back');
    t.match(served.headers['cache-control'], /immutable/);

    t.equal(await avatarOf(u), body.data.avatar);
    t.equal(
      await avatarOf(u, '?no_avatar_default=1'),
      body.data.avatar,
      'an uploaded avatar is shown even with no_avatar_default',
    );
    const v1 = (await app.inject({ method: 'GET', url: '/1/profile', headers: bearer(u.token) })).json().data;
    t.equal(v1.avatar, body.data.avatar);
    t.not(await avatarOf(other), body.data.avatar, 'other users keep theirs');
  });

  t.test('a new upload replaces the old one, whose URL stops working', async (t) => {
    const first = (await upload(b64(png(20, 20)))).json().data.avatar;
    const second = (await upload(b64(png(64, 64)))).json().data.avatar;
    t.not(first, second);
    t.equal((await fetchImage(first)).statusCode, 404);
    t.equal((await fetchImage(second)).statusCode, 200);
    t.equal(await avatarOf(u), second);
  });

  t.test('GIF, JPEG and data: URLs are accepted', async (t) => {
    const cases: [string, Buffer, string][] = [
      ['GIF', gif(48, 48), 'image/gif'],
      ['JPEG', jpeg(40, 40), 'image/jpeg'],
    ];
    for (const [name, image, mime] of cases) {
      const res = await upload(b64(image));
      t.equal(res.statusCode, 200, name);
      const served = await fetchImage(res.json().data.avatar);
      t.equal(served.headers['content-type'], mime, name);
      t.ok(served.rawPayload.equals(image), `${name} bytes`);
    }
    const image = png(16, 16);
    const res = await upload(`data:image/png;base64,${b64(image)}`, u, { encoding: 'base64' });
    t.equal(res.statusCode, 200, 'a data: URL, 16 px is the minimum');
    const served = await fetchImage(res.json().data.avatar);
    t.ok(served.rawPayload.equals(image));
    t.equal(await avatarOf(u), res.json().data.avatar);
  });

  t.test('what is not a usable square image is refused', async (t) => {
    const current = await avatarOf(u);
    const cases: [string, unknown, string][] = [
      ['non-square PNG', b64(png(32, 16)), 'validation_rule_dimensions'],
      ['8×8 PNG', b64(png(8, 8)), 'validation_rule_dimensions'],
      ['15×15 JPEG', b64(jpeg(15, 15)), 'validation_rule_dimensions'],
      ['non-square GIF', b64(gif(40, 41)), 'validation_rule_dimensions'],
      ['text', b64(Buffer.from('this is not an image at all')), 'validation_rule_mimes'],
      ['PDF', b64(Buffer.from('%PDF-1.4\n%âãÏÓ\n1 0 obj')), 'validation_rule_mimes'],
      ['not base64', '<<not base64!>>', 'validation_rule_base64'],
      ['PNG signature only', b64(png(32, 32).subarray(0, 12)), 'validation_rule_image'],
      [
        'JPEG without a frame',
        b64(Buffer.from([0xff, 0xd8, 0xff, 0xd9, 0, 0, 0, 0, 0, 0, 0, 0])),
        'validation_rule_image',
      ],
    ];
    for (const [name, avatar, rule] of cases) {
      t.same(
        rejected(await upload(avatar)),
        { status: 422, code: 'validation_failed', errors: [['avatar', rule]] },
        name,
      );
    }
    t.same(
      rejected(await upload('')),
      { status: 422, code: 'validation_failed', errors: [['avatar', 'validation_rule_min']] },
      'empty',
    );
    t.same(
      rejected(await upload(42)),
      { status: 422, code: 'validation_failed', errors: [['avatar', 'validation_rule_string']] },
      'a number',
    );
    const missing = await app.inject({
      method: 'POST',
      url: '/2/profile/avatar',
      headers: bearer(u.token),
      payload: {},
    });
    t.same(
      rejected(missing),
      { status: 422, code: 'validation_failed', errors: [['avatar', 'validation_rule_required']] },
      'missing',
    );
    t.same(
      rejected(await upload(b64(png(32, 32)), u, { url: 'https://example.test/a.png' })),
      {
        status: 422,
        code: 'validation_failed',
        errors: [['url', 'validation_rule_prohibited']],
      },
      'an unknown field',
    );
    t.equal(await avatarOf(u), current, 'the avatar did not change');
  });

  t.test('DELETE goes back to the default avatar', async (t) => {
    const url = (await upload(b64(png(32, 32)))).json().data.avatar;
    const res = await app.inject({ method: 'DELETE', url: '/2/profile/avatar', headers: bearer(u.token) });
    t.equal(res.statusCode, 200);
    t.same(res.json(), { result: 'success', data: true });
    const now = await avatarOf(u);
    t.match(now, new RegExp(`/avatars/${u.id}/default\\.svg$`));
    t.equal(await avatarOf(u, '?no_avatar_default=1'), null);
    const old = await fetchImage(url);
    t.equal(old.statusCode, 404);
    t.equal(old.json().error.code, 'object_not_found');
    t.equal((await fetchImage(now!)).statusCode, 200);
    const again = await app.inject({ method: 'DELETE', url: '/2/profile/avatar', headers: bearer(u.token) });
    t.same(again.json(), { result: 'success', data: true }, 'deleting twice is harmless');
  });

  t.test('image URLs only serve what exists', async (t) => {
    const url = (await upload(b64(png(32, 32)), other)).json().data.avatar;
    const version = pathOf(url).split('/').pop();
    t.equal(
      (await app.inject({ method: 'GET', url: `/avatars/${u.id}/${version}` })).statusCode,
      404,
      "another user's version",
    );
    t.equal(
      (await app.inject({ method: 'GET', url: `/avatars/${other.id}/0000000000000000.img` })).statusCode,
      404,
      'an unknown version',
    );
    t.equal(
      (await app.inject({ method: 'GET', url: `/avatars/999999/${version}` })).statusCode,
      404,
      'an unknown user',
    );
    t.equal(
      (await app.inject({ method: 'GET', url: `/avatars/${other.id}/x.png` })).statusCode,
      422,
      'a malformed file name',
    );
    t.equal(
      (await app.inject({ method: 'GET', url: pathOf(url), headers: bearer(u.token) })).statusCode,
      200,
      'anyone may look',
    );
  });

  t.test('the user_info scope is required to change it', async (t) => {
    const limited = await createUser(app.db, { scopes: ['accounts'] });
    const post = await upload(b64(png(32, 32)), limited);
    t.equal(post.statusCode, 403);
    t.match(post.json().error.description, /user_info/);
    const del = await app.inject({ method: 'DELETE', url: '/2/profile/avatar', headers: bearer(limited.token) });
    t.equal(del.statusCode, 403);
    const anonymous = await app.inject({
      method: 'POST',
      url: '/2/profile/avatar',
      payload: { avatar: b64(png(32, 32)) },
    });
    t.equal(anonymous.statusCode, 401);
    const row = await app.db
      .selectFrom('users')
      .select(['avatar', 'avatar_image'])
      .where('id', '=', limited.id)
      .executeTakeFirstOrThrow();
    t.same(row, { avatar: null, avatar_image: null }, 'nothing was stored');
  });
});
