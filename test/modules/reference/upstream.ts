import { readFileSync } from 'node:fs';

// The field names of the official Infomaniak document (reference/), extracted into a fixture
// by scripts/upstream-fixture.mjs (CI checks it is current), so tests read a small extract.
const FIXTURE = new URL('../../fixtures/upstream-fields.json', import.meta.url);
let fields: Record<string, string[]> | undefined;

/**
 * The field paths upstream documents for the `data` of an operation's success response,
 * relative to one item for a list (`data[]`) or to the object itself (`data`).
 */
export function upstreamFields(method: string, path: string): string[] {
  fields ??= JSON.parse(readFileSync(FIXTURE, 'utf8')) as Record<string, string[]>;
  const found = fields[`${method.toUpperCase()} ${path}`];
  if (!found) throw new Error(`upstream has no ${method} ${path}`);
  return found;
}

/** The top-level property names upstream documents for the data (or one list item). */
export function upstreamKeys(method: string, path: string): string[] {
  return upstreamFields(method, path)
    .filter((p) => !p.includes('.') && !p.includes('['))
    .sort();
}

export interface Presence {
  /** Upstream paths absent from the response. */
  missing: string[];
  /** Paths inside arrays that were empty in the response, so could not be checked. */
  unchecked: string[];
}

/** Checks that each upstream path exists in `value` (every element of an array is checked). */
export function presence(value: unknown, fields: string[]): Presence {
  const missing = new Set<string>();
  const unchecked = new Set<string>();
  const walk = (v: unknown, segments: string[], full: string): void => {
    if (!segments.length) return;
    const [head, ...rest] = segments;
    const isArray = head.endsWith('[]');
    const key = isArray ? head.slice(0, -2) : head;
    if (!v || typeof v !== 'object' || Array.isArray(v) || !(key in (v as Record<string, unknown>))) {
      missing.add(full);
      return;
    }
    const child = (v as Record<string, unknown>)[key];
    if (!isArray) return walk(child, rest, full);
    if (!Array.isArray(child)) {
      missing.add(full);
      return;
    }
    if (!rest.length) return;
    if (!child.length) unchecked.add(full);
    for (const el of child) walk(el, rest, full);
  };
  for (const f of fields) {
    // `list[].x` splits as ['list[]', 'x'].
    walk(value, f.split('.'), f);
  }
  return { missing: [...missing], unchecked: [...unchecked] };
}
