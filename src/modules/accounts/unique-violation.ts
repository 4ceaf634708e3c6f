/**
 * True when `err` is Postgres' unique_violation (23505), on `constraint` when one is named.
 * pg and PGlite both expose `code` and `constraint` on their errors. Relying on the index
 * rather than a prior SELECT keeps the rule true under concurrent requests.
 */
export function isUniqueViolation(err: unknown, ...constraints: string[]): boolean {
  const e = err as { code?: unknown; constraint?: unknown } | null;
  if (!e || typeof e !== 'object' || e.code !== '23505') return false;
  return constraints.length === 0 || constraints.includes(String(e.constraint));
}
