// The mirror's one clock. Every time-dependent rule reads `nowSeconds()`; the control plane
// can move it (tests go to "14 days before expiry" without waiting). The clock is real time
// plus an offset; the offset is kept in the database (`mirror_clock`, read by `mirror_now()`
// in column defaults) and mirrored here, see clock-store.ts.

let offsetSeconds = 0;

/** Real time in Unix seconds, whatever the mirror's clock says. */
export const realNowSeconds = () => Math.floor(Date.now() / 1000);

/** Now, on the mirror's clock, in the Unix seconds every timestamp of the API uses. */
export const nowSeconds = () => realNowSeconds() + offsetSeconds;

export const clockOffset = () => offsetSeconds;

/** Adopts an offset read from or written to the database (clock-store.ts only). */
export function adoptClockOffset(seconds: number): void {
  offsetSeconds = seconds;
}
