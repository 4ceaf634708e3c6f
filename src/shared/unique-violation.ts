/**
 * True when `err` is Postgres' unique_violation (23505), on `constraint` when one is named.
 * pg and PGlite both expose `code` and `constraint` on their errors. Relying on the index
 * rather than a prior SELECT keeps the rule true under concurrent requests.
 */
export function isUniqueViolation(err: unknown, ...constraints: string[]): boolean {
  if (typeof err !== 'object' || err === null || !('code' in err) || err.code !== '23505') return false;
  return constraints.length === 0 || ('constraint' in err && constraints.includes(String(err.constraint)));
}
