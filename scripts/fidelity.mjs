#!/usr/bin/env node
// Compares the project's generated OpenAPI document with the upstream Infomaniak
// "Core resources" document and prints how faithfully the mirror covers it:
// which upstream operations exist, which query parameters and response fields
// are missing, and where a field's type differs.
//
// usage (from the project root):
//   node scripts/fidelity.mjs [--project openapi/openapi.json]
//        [--upstream reference/infomaniak-core-openapi.json]
//        [--all] [--json] [--min-ops N] [--min-fields PCT]
// --all        also list upstream operations that are out of the mirror's scope
// --min-ops    exit 1 when fewer in-scope operations than N are covered
// --min-fields exit 1 when field coverage of covered operations is below PCT
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolver } from './json-refs.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const projectPath = opt('--project', 'openapi/openapi.json');
const upstreamPath = opt('--upstream', join(here, '..', 'reference', 'infomaniak-core-openapi.json'));

// Upstream operations that belong to other products and are not part of the mirror's scope
// (reference/out-of-scope.json, shared with the live conformance test).
const OUT_OF_SCOPE = JSON.parse(readFileSync(join(here, '..', 'reference', 'out-of-scope.json'), 'utf8')).paths.map(
  (source) => new RegExp(source),
);
const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

const load = (p) => JSON.parse(readFileSync(p, 'utf8'));
const shape = (path) => path.replace(/\{[^}]+\}/g, '{}').replace(/:[A-Za-z_]+/g, '{}');

// Flattens a schema into { 'a.b[].c': 'integer', ... } up to a fixed depth.
function flatten(schema, deref, prefix = '', out = {}, depth = 0) {
  const s = deref(schema);
  if (!s || typeof s !== 'object' || depth > 5) return out;
  for (const key of ['allOf', 'anyOf', 'oneOf']) {
    if (Array.isArray(s[key])) for (const sub of s[key]) flatten(sub, deref, prefix, out, depth);
  }
  const type = Array.isArray(s.type) ? s.type.filter((t) => t !== 'null')[0] : s.type;
  if (prefix && type) out[prefix] = type;
  if (s.properties) {
    for (const [k, v] of Object.entries(s.properties)) flatten(v, deref, prefix ? `${prefix}.${k}` : k, out, depth + 1);
  }
  if (s.items && !Array.isArray(s.items)) flatten(s.items, deref, `${prefix}[]`, out, depth + 1);
  return out;
}

function operations(doc) {
  const ops = new Map();
  for (const [path, item] of Object.entries(doc.paths || {})) {
    for (const m of METHODS) {
      if (item[m]) ops.set(`${m.toUpperCase()} ${shape(path)}`, { path, op: item[m], item });
    }
  }
  return ops;
}

function queryParams(entry, deref) {
  const params = [...(entry.item.parameters || []), ...(entry.op.parameters || [])].map((p) => deref(p));
  return new Set(params.filter((p) => p && p.in === 'query').map((p) => p.name.replace(/\[\]$/, '')));
}

function dataFields(entry, deref) {
  const responses = entry.op.responses || {};
  const code = Object.keys(responses).find((c) => /^2/.test(c));
  if (!code) return {};
  const content = deref(responses[code]).content || {};
  const media = content['application/json'] || Object.values(content)[0];
  if (!media || !media.schema) return {};
  const flat = flatten(media.schema, deref);
  const data = {};
  for (const [k, v] of Object.entries(flat)) {
    if (k === 'data' || k.startsWith('data.') || k.startsWith('data[]')) data[k] = v;
  }
  return data;
}

const compatible = (up, mine) => up === mine || (up === 'number' && mine === 'integer') || !up || !mine;

const upstream = load(upstreamPath);
let project;
try {
  project = load(projectPath);
} catch (e) {
  console.error(`cannot read the project's OpenAPI document at ${projectPath}: ${e.message}`);
  process.exit(2);
}
const upDeref = resolver(upstream);
const myDeref = resolver(project);
const upOps = operations(upstream);
const myOps = operations(project);

const report = { covered: [], missing: [], outOfScope: [], fieldsTotal: 0, fieldsPresent: 0 };
for (const [key, entry] of upOps) {
  if (OUT_OF_SCOPE.some((re) => re.test(entry.path))) {
    report.outOfScope.push(key);
    continue;
  }
  const mine = myOps.get(key);
  if (!mine) {
    report.missing.push(key);
    continue;
  }
  const upQ = queryParams(entry, upDeref);
  const myQ = queryParams(mine, myDeref);
  const upF = dataFields(entry, upDeref);
  const myF = dataFields(mine, myDeref);
  const missingFields = Object.keys(upF).filter((f) => !(f in myF));
  const typeDiffs = Object.keys(upF)
    .filter((f) => f in myF && !compatible(upF[f], myF[f]))
    .map((f) => `${f}: upstream ${upF[f]}, mirror ${myF[f]}`);
  report.fieldsTotal += Object.keys(upF).length;
  report.fieldsPresent += Object.keys(upF).length - missingFields.length;
  report.covered.push({
    op: key,
    missingQuery: [...upQ].filter((q) => !myQ.has(q)),
    fields: `${Object.keys(upF).length - missingFields.length}/${Object.keys(upF).length}`,
    missingFields,
    typeDiffs,
  });
}

const inScope = report.covered.length + report.missing.length;
const fieldPct = report.fieldsTotal ? (100 * report.fieldsPresent) / report.fieldsTotal : 100;
if (args.includes('--json')) {
  console.log(JSON.stringify(report, null, 2));
} else {
  for (const c of report.covered) {
    console.log(`covered  ${c.op}  fields ${c.fields}`);
    if (c.missingQuery.length) console.log(`   missing query params: ${c.missingQuery.join(', ')}`);
    if (c.missingFields.length)
      console.log(
        `   missing fields: ${c.missingFields.slice(0, 40).join(', ')}${c.missingFields.length > 40 ? ' …' : ''}`,
      );
    for (const d of c.typeDiffs) console.log(`   type differs: ${d}`);
  }
  for (const m of report.missing) console.log(`missing  ${m}`);
  if (args.includes('--all')) for (const o of report.outOfScope) console.log(`out of scope  ${o}`);
}
console.log(
  `fidelity: ${report.covered.length}/${inScope} upstream operations covered, ${fieldPct.toFixed(1)}% of their response fields present`,
);
const minOps = Number(opt('--min-ops', 0));
const minFields = Number(opt('--min-fields', 0));
process.exit(report.covered.length < minOps || fieldPct < minFields ? 1 : 0);
