import { createHash } from 'node:crypto';

/**
 * Names for statement texts: `prefix` and a digest of the text, so the same text has the same
 * name on every connection and two texts never share one (hex: a plain SQL identifier too).
 * At most `max` distinct texts are named; past the bound a text gets none.
 */
export function statementNames(prefix: string, max: number): (text: string) => string | undefined {
  const names = new Map<string, string>();
  return (text) => {
    const known = names.get(text);
    if (known !== undefined || names.size >= max) return known;
    const name = `${prefix}${createHash('sha1').update(text).digest('hex')}`;
    names.set(text, name);
    return name;
  };
}
