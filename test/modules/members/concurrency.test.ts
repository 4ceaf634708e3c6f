import t from 'tap';
import { buildTestApp, needsPostgres } from '../../helper.js';
import { memberIds, ownerCount } from '../../factories/members.js';
import { createMember } from '../../factories/organisations.js';
import { createUser } from '../../factories/users.js';

// Membership rules under concurrent calls, over real HTTP: the calls reach the server at the
// same time and each runs in its own transaction. On Postgres they truly overlap; the
// organisation's row lock is what keeps the rules (on PGlite transactions run one at a time).

const ROUNDS = 6;

t.test(
  'concurrent membership changes keep an owner',
  needsPostgres("the organisation's row lock is what is tested"),
  async (t) => {
    const app = await buildTestApp(t);
    const db = app.db;
    const base = await app.listen({ host: '127.0.0.1', port: 0 });

    const call = async (token: string, method: string, path: string, body?: unknown) => {
      const res = await fetch(`${base}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
      const json = (await res.json()) as { error?: { context?: { reason?: string } } };
      return { status: res.status, reason: json.error?.context?.reason };
    };
    const patch = (token: string, org: number, user: number, body: unknown) =>
      call(token, 'PATCH', `/2/accounts/${org}/users/${user}`, body);

    /** An organisation with two owners, A (its founder) and B, and optionally a normal member. */
    async function twoOwners(withNormal: boolean) {
      const a = await createUser(db);
      const b = await createMember(db, a.accountId, 'owner', { has_billing_access: true });
      if (withNormal) await createMember(db, a.accountId, 'normal');
      return { org: a.accountId, a, b };
    }
    const statuses = (results: { status: number }[]) => results.map((r) => r.status).sort();

    t.test('each owner demotes the other at once: exactly one succeeds', async (t) => {
      for (let i = 0; i < ROUNDS; i++) {
        const { org, a, b } = await twoOwners(false);
        const results = await Promise.all([
          patch(a.token, org, b.id, { role_type: 'admin' }),
          patch(b.token, org, a.id, { role_type: 'admin' }),
        ]);
        t.same(statuses(results), [200, 403], `round ${i}`);
        t.same(results.find((r) => r.status === 403)!.reason, 'owner_role_required', 'the loser is no longer an owner');
        t.equal(await ownerCount(db, org), 1);
      }
    });

    t.test('each owner demotes themselves at once: the second is the last owner', async (t) => {
      for (let i = 0; i < ROUNDS; i++) {
        const { org, a, b } = await twoOwners(false);
        const results = await Promise.all([
          patch(a.token, org, a.id, { role_type: 'normal' }),
          patch(b.token, org, b.id, { role_type: 'normal' }),
        ]);
        t.same(statuses(results), [200, 422], `round ${i}`);
        t.equal(results.find((r) => r.status === 422)!.reason, 'last_owner');
        t.equal(await ownerCount(db, org), 1);
      }
    });

    t.test('each owner removes the other at once: exactly one succeeds', async (t) => {
      for (let i = 0; i < ROUNDS; i++) {
        const { org, a, b } = await twoOwners(true);
        const results = await Promise.all([
          call(a.token, 'DELETE', `/2/accounts/${org}/users/${b.id}`),
          call(b.token, 'POST', `/2/accounts/${org}/users/remove`, { user_ids: [a.id] }),
        ]);
        t.same(statuses(results), [200, 404], `round ${i}: the loser is no longer a member`);
        t.equal(await ownerCount(db, org), 1);
        t.equal((await memberIds(db, org)).length, 2);
      }
    });

    t.test('both owners leave at once: one stays', async (t) => {
      for (const withNormal of [true, false]) {
        for (let i = 0; i < ROUNDS; i++) {
          const { org, a, b } = await twoOwners(withNormal);
          const results = await Promise.all([
            call(a.token, 'POST', `/1/accounts/${org}/leave`),
            call(b.token, 'POST', `/1/accounts/${org}/leave`),
          ]);
          t.same(statuses(results), [200, 422], `round ${i}`);
          t.equal(results.find((r) => r.status === 422)!.reason, withNormal ? 'last_owner' : 'last_member');
          t.equal(await ownerCount(db, org), 1);
        }
      }
    });

    t.test('hand-overs and removals racing: the organisation always keeps an owner', async (t) => {
      for (let i = 0; i < ROUNDS; i++) {
        const { org, a, b } = await twoOwners(false);
        const c = await createMember(db, org, 'normal');
        const results = await Promise.all([
          call(a.token, 'POST', `/1/accounts/${org}/legal_responsible`, { user_id: c.id, previous_role: 'normal' }),
          call(b.token, 'POST', `/1/accounts/${org}/legal_responsible`, { user_id: c.id, previous_role: 'normal' }),
          patch(a.token, org, b.id, { role_type: 'normal' }),
          patch(b.token, org, a.id, { role_type: 'normal' }),
          call(a.token, 'POST', `/1/accounts/${org}/leave`),
          call(b.token, 'POST', `/2/accounts/${org}/users/remove`, { user_ids: [a.id, b.id] }),
          patch(c.token, org, c.id, { role_type: 'admin' }),
        ]);
        t.ok(
          results.every((r) => [200, 403, 404, 422].includes(r.status)),
          `round ${i}: only rule refusals, no errors`,
        );
        t.ok(
          results.some((r) => r.status === 200),
          'something happened',
        );
        t.ok((await ownerCount(db, org)) >= 1, 'an owner remains');
        t.ok((await memberIds(db, org)).length >= 1);
      }
    });
  },
);
