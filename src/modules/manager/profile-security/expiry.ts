// A token's expiry typed as a day (an <input type="date">) in the profile's time zone, as the
// Unix moment the API takes: the last second of that day there. Anything else goes to the API
// as typed, for the API to say what is wrong with it.

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The zone's offset from UTC at a moment, in milliseconds ("GMT+01:00" → 3 600 000). */
function offsetAt(timeZone: string, ms: number): number {
  const name = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' })
    .formatToParts(ms)
    .find((p) => p.type === 'timeZoneName')?.value;
  const m = /GMT([+-])(\d{2}):(\d{2})/.exec(name ?? '');
  if (!m) return 0;
  const minutes = Number(m[2]) * 60 + Number(m[3]);
  return (m[1] === '-' ? -minutes : minutes) * 60_000;
}

export function expiryOf(typed: string, timeZone: string): number | string | null {
  const trimmed = typed.trim();
  if (trimmed === '') return null;
  const m = DAY.exec(trimmed);
  if (!m) return trimmed;
  const wall = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), 23, 59, 59);
  // Twice: the offset of the moment itself, which differs from the wall time's near a DST change.
  const first = wall - offsetAt(timeZone, wall);
  return Math.floor((wall - offsetAt(timeZone, first)) / 1000);
}
