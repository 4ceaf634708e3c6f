// Following the local `$ref`s of an OpenAPI document (`#/components/...`, JSON-pointer escapes
// undone), shared by the scripts that read the official document.

/** A function that resolves a schema's `$ref` chain in `doc`; a cycle or a missing target gives {}. */
export function resolver(doc) {
  const get = (ref) =>
    ref
      .replace(/^#\//, '')
      .split('/')
      .reduce((o, k) => (o ? o[k.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined), doc);
  return function deref(s, seen = new Set()) {
    if (!s || typeof s !== 'object') return s;
    if (s.$ref) {
      if (seen.has(s.$ref)) return {};
      const t = get(s.$ref);
      return t ? deref(t, new Set([...seen, s.$ref])) : {};
    }
    return s;
  };
}
