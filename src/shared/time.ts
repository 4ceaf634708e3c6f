import { currentScope } from './scope.js';

// The mirror's one clock. Every time-dependent rule reads `nowSeconds()`; the control plane
// can move it (tests go to "14 days before expiry" without waiting). The clock is real time
// plus an offset; the offset is kept in the database (`mirror_clock`, read by `mirror_now()`
// in column defaults) and mirrored here, see src/db/clock.ts. A sandbox has a clock of its
// own (its own database's `mirror_clock`), carried by its scope.

const mainClock = { offset: 0 };
const clock = () => currentScope()?.clock ?? mainClock;

/** Real time in Unix seconds, whatever the mirror's clock says. */
export const realNowSeconds = () => Math.floor(Date.now() / 1000);

/** Now, on the mirror's clock, in the Unix seconds every timestamp of the API uses. */
export const nowSeconds = () => realNowSeconds() + clock().offset;

export const clockOffset = () => clock().offset;

/** Adopts an offset read from or written to the database (src/db/clock.ts only). */
export function adoptClockOffset(seconds: number): void {
  clock().offset = seconds;
}
