#!/usr/bin/env node
// Part of `npm run lint`: no cycle between modules. dependency-cruiser's own `circular` rule
// (.dependency-cruiser.cjs) sees files, and two modules can depend on each other without any
// one file closing a loop (a's service imports b's index, b's other file imports a's index).
// So the graph is cruised again with every src/modules/X/ collapsed into one node, and the
// cycles among those nodes are listed. Exits 1 when there is one.
// usage: node scripts/module-cycles.mjs
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const depcruise = fileURLToPath(
  new URL('../node_modules/dependency-cruiser/bin/dependency-cruise.mjs', import.meta.url),
);
const MODULE = '^src/modules/[^/]+/';

function moduleGraph() {
  const args = [depcruise, 'src', '--config', '.dependency-cruiser.cjs', '--collapse', MODULE, '--output-type', 'json'];
  // Exit code 1 only says the file-level rules found something: that is reported by the lint's
  // own depcruise step; here only the graph matters.
  let out;
  try {
    out = execFileSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  } catch (e) {
    if (!e.stdout) throw e;
    out = e.stdout;
  }
  const isModule = (p) => new RegExp(MODULE).test(p);
  const graph = new Map();
  for (const m of JSON.parse(out).modules) {
    if (!isModule(m.source)) continue;
    const to = m.dependencies.map((d) => d.resolved).filter((r) => isModule(r) && r !== m.source);
    graph.set(m.source, [...new Set(to)].sort());
  }
  return graph;
}

/** Each cycle once, as the path from its smallest node back to it (a depth-first search per node). */
function cycles(graph) {
  const found = [];
  const nodes = [...graph.keys()].sort();
  for (const start of nodes) {
    const walk = (node, path) => {
      for (const next of graph.get(node) ?? []) {
        if (next === start) found.push([...path, start]);
        else if (next > start && !path.includes(next)) walk(next, [...path, next]);
      }
    };
    walk(start, [start]);
  }
  return found;
}

const found = cycles(moduleGraph());
const name = (p) => p.replace(/^src\/modules\/|\/$/g, '');
for (const c of found) console.log(`  error no-module-cycle: ${c.map(name).join(' → ')}`);
if (found.length > 0) {
  console.log(
    `\nx ${found.length} cycles between modules: what two modules both need belongs in a third they both depend on.`,
  );
  process.exit(1);
}
console.log('✔ no cycle between modules');
