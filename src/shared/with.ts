import { Type } from 'typebox';
import { invalidField } from './errors.js';

/** `with=a,b`, `with[]=a&with[]=b` or `with=*`: the relations a client asks to load. */
export const WithQuery = Type.Optional(
  Type.Union([Type.String({ maxLength: 255 }), Type.Array(Type.String({ maxLength: 64 }))], {
    description: 'Comma-separated relations to load',
  }),
);

/** An unknown relation is a 422 that lists the allowed ones, as upstream. */
export function parseWith<T extends string>(value: string | string[] | undefined, allowed: readonly T[]): Set<T> {
  if (value === undefined) return new Set();
  const asked = (Array.isArray(value) ? value : [value])
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean);
  if (asked.includes('*')) return new Set(allowed);
  const isAllowed = (a: string): a is T => allowed.some((relation) => relation === a);
  const unknown = asked.filter((a) => !isAllowed(a));
  if (unknown.length) throw invalidField('with', 'in', `Unknown relation: ${unknown.join(', ')}`, [...allowed]);
  return new Set(asked.filter(isAllowed));
}
