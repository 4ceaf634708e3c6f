// A date and time typed in a form (`2030-01-31T09:30`, as <input type="datetime-local">
// sends it) read in the profile's time zone, as Unix seconds.

const PATTERN = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/;

/** How far `timeZone` is ahead of UTC at this moment, in milliseconds. */
function zoneOffsetMs(ms: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(ms);
  const part = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const asUtc = Date.UTC(part('year'), part('month') - 1, part('day'), part('hour'), part('minute'), part('second'));
  return asUtc - Math.floor(ms / 1000) * 1000;
}

/** The moment, or undefined for text that is not a date and time. */
export function zonedSeconds(value: string, timeZone: string): number | undefined {
  const m = PATTERN.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h, mi] = m.map(Number);
  if (y === undefined || mo === undefined || d === undefined || h === undefined || mi === undefined) return undefined;
  const wall = Date.UTC(y, mo - 1, d, h, mi);
  // The zone's offset at the guess, then at the corrected moment (they differ near a change of hour).
  const first = wall - zoneOffsetMs(wall, timeZone);
  return Math.floor((wall - zoneOffsetMs(first, timeZone)) / 1000);
}

/** The moment as the form's field shows it, in the time zone. */
export function zonedInput(seconds: number, timeZone: string): string {
  const local = new Date(seconds * 1000 + zoneOffsetMs(seconds * 1000, timeZone));
  return local.toISOString().slice(0, 16);
}
