import type { FastifyInstance } from 'fastify';
import type { Db } from '../../db/database.js';
import { setClockOffset, syncClock } from '../../db/clock.js';
import { invalidField } from '../../shared/errors.js';
import { listParams } from '../../shared/pagination.js';
import { clockOffset, nowSeconds, realNowSeconds } from '../../shared/time.js';
import { outbox, OUTBOX_SORTABLE } from '../outbox/index.js';
import { checkClockOffset } from './clock-bounds.js';
import { FIXTURES } from './fixtures/demo.js';
import type { Fixture } from './fixture.schema.js';
import type { OutboxQueryInput, SetClockInput } from './mirror.schemas.js';
import { resetData } from './reset.js';
import { seed } from './seed.js';

// The control plane's rules: the mirror's clock, emptying and seeding it, and the outbox.

/** What `fn` gives, and how long it took in milliseconds. */
export async function timed<T extends object>(fn: () => Promise<T>): Promise<T & { ms: number }> {
  const started = performance.now();
  const result = await fn();
  return { ...result, ms: Math.round(performance.now() - started) };
}

const UNIT = { d: 86_400, h: 3_600, m: 60, s: 1 } as const;
const isUnit = (u: string | undefined): u is keyof typeof UNIT => u !== undefined && u in UNIT;
const seconds = (duration: string) =>
  [...duration.matchAll(/([0-9]+)([dhms])/g)].reduce((sum, [, n, u]) => sum + (isUnit(u) ? Number(n) * UNIT[u] : 0), 0);

/** The offset the body asks for, `real` being the machine's time; exactly one of now, advance and reset. */
function offsetFor(body: SetClockInput, real: number): number {
  if ([body.now, body.advance, body.reset].filter((v) => v !== undefined).length !== 1) {
    throw invalidField('now', 'required_without', 'Give exactly one of now, advance and reset', [
      'now',
      'advance',
      'reset',
    ]);
  }
  if (body.reset) return 0;
  const [field, offset] =
    body.now !== undefined
      ? ['now', body.now - real]
      : ['advance', clockOffset() + (typeof body.advance === 'number' ? body.advance : seconds(body.advance ?? ''))];
  checkClockOffset(field, offset);
  return offset;
}

const clockState = () => ({ now: nowSeconds(), real_now: realNowSeconds(), offset_seconds: clockOffset() });

/** `renewals` runs the jobs due (the renewals module decorates the app with it). */
export function mirrorService(db: Db, renewals: Pick<FastifyInstance['renewals'], 'runJobs'>) {
  return {
    /** The clock as the database has it (another instance may have moved it). */
    async clock() {
      await syncClock(db);
      return clockState();
    },

    /** Sets or advances the clock, then runs whatever became due at exactly that time. */
    async moveClock(body: SetClockInput) {
      await syncClock(db);
      // The run happens at exactly the time asked for: were it to read the clock again, a
      // second ticking meanwhile would run it a second late (a retry due at that very second
      // would wait for the next move).
      const real = realNowSeconds();
      const offset = offsetFor(body, real);
      await setClockOffset(db, offset);
      const { renewals: run, charges } = await renewals.runJobs(real + offset);
      return { now: real + offset, real_now: real, offset_seconds: offset, renewals: run, charges };
    },

    reset: () => timed(() => resetData(db)),

    /** Loads a fixture: one named in FIXTURES (the body's schema allows only those names), or a document. */
    seed: (fixture: string | Fixture) =>
      timed(() => seed(db, typeof fixture === 'string' ? namedFixture(fixture) : fixture)),

    async outbox(q: OutboxQueryInput) {
      const params = listParams(q, OUTBOX_SORTABLE, [{ field: 'id', dir: 'desc' }]);
      return { ...(await outbox(db).list({ ...q, ...q.filter }, params)), params };
    },
  };
}

function namedFixture(name: string): Fixture {
  const fixture = FIXTURES[name];
  if (!fixture) throw invalidField('fixture', 'in', `No fixture named ${name}`, Object.keys(FIXTURES));
  return fixture;
}
