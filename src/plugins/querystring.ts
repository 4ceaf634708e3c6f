import { parse } from 'node:querystring';

// Keys that would reach an object's prototype are dropped, never assigned.
const UNSAFE = new Set(['__proto__', 'constructor', 'prototype']);
const LIST_INDEX = /^\d*$/;
const KEY = /^([^[\]]+)((?:\[[^[\]]*\]){0,2})$/;

type Node = string | string[] | { [key: string]: Node };

function put(target: Record<string, Node>, [head, ...rest]: [string, ...string[]], values: string[]): void {
  if (rest.length === 0) {
    target[head] = values.length === 1 ? values[0] : values;
    return;
  }
  // `a[]=x` and `a[0]=x` (PHP's indexed form, which upstream's clients also send) are both items of a list.
  if (rest.length === 1 && LIST_INDEX.test(rest[0])) {
    const prev = target[head];
    target[head] = [...(Array.isArray(prev) ? prev : typeof prev === 'string' ? [prev] : []), ...values];
    return;
  }
  const prev = target[head];
  const child = prev && typeof prev === 'object' && !Array.isArray(prev) ? prev : {};
  target[head] = child;
  const [next, ...after] = rest;
  put(child, [next, ...after], values);
}

/**
 * Query strings as upstream's clients send them: `with[]=a&with[]=b` (or `with[0]=a&with[1]=b`) is an array,
 * `order_for[name]=desc` an object and `filter[user_ids][]=1` an object of arrays (two levels,
 * which is all the API uses).
 */
export function parseQuery(query: string): Record<string, Node> {
  const out: Record<string, Node> = {};
  for (const [rawKey, raw] of Object.entries(parse(query))) {
    const m = KEY.exec(rawKey);
    if (!m) continue;
    const path: [string, ...string[]] = [m[1], ...[...m[2].matchAll(/\[([^[\]]*)\]/g)].map((x) => x[1])];
    if (path.some((p) => UNSAFE.has(p))) continue;
    put(out, path, Array.isArray(raw) ? raw : [raw ?? '']);
  }
  return out;
}
