import { parse } from 'node:querystring';

// Keys that would reach an object's prototype are dropped, never assigned.
const UNSAFE = /(^|\[)(__proto__|constructor|prototype)(\]|$)/;

type Value = string | string[] | Record<string, string>;

/**
 * Query strings as upstream's clients send them: `with[]=a&with[]=b` is an array and
 * `order_for[name]=desc` an object (one level deep, which is all the API uses).
 */
export function parseQuery(query: string): Record<string, Value> {
  const out: Record<string, Value> = {};
  for (const [rawKey, raw] of Object.entries(parse(query))) {
    if (UNSAFE.test(rawKey)) continue;
    const values = Array.isArray(raw) ? raw : [raw ?? ''];
    const m = /^([^[\]]+)\[([^[\]]*)\]$/.exec(rawKey);
    if (!m) {
      out[rawKey] = values.length === 1 ? values[0]! : values;
    } else if (m[2] === '') {
      const prev = out[m[1]!];
      out[m[1]!] = [...(Array.isArray(prev) ? prev : typeof prev === 'string' ? [prev] : []), ...values];
    } else {
      const prev = out[m[1]!];
      const obj = prev && typeof prev === 'object' && !Array.isArray(prev) ? prev : {};
      obj[m[2]!] = values[values.length - 1]!;
      out[m[1]!] = obj;
    }
  }
  return out;
}
