#!/usr/bin/env node
// `npm test [-- <tap options and files>]`: the suite on plain JavaScript. The sources the tests
// load (src/, migrations/, scripts/, test/, examples/) are transpiled by esbuild into dist-test/ (well
// under a second; no type check, CI's typecheck does that), and tap runs the compiled test
// files there. Loading TypeScript through a loader in each of the ~80 test processes cost
// seconds of CPU per process (ts-node: ~7 s, tsx: ~2 s), most of the suite's time on two cores.
// Source maps point back to the .ts files: coverage and stack traces name the sources.
//
// A test file given as its source (test/x.test.ts) is run from its compiled copy.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { build } from 'esbuild';

export const OUT = 'dist-test';
const ROOTS = ['src', 'migrations', 'scripts', 'test', 'examples'];

function filesUnder(dir) {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath ?? e.path, e.name));
}

/** Transpiles every source the tests load; other files under test/ (fixtures) are copied beside them. */
export async function buildTests() {
  rmSync(OUT, { recursive: true, force: true });
  const files = ROOTS.flatMap(filesUnder);
  await build({
    entryPoints: files.filter((f) => f.endsWith('.ts')),
    outdir: OUT,
    outbase: '.',
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: 'linked',
    // The sources' own relative paths, so coverage and stack traces name the .ts files.
    sourceRoot: undefined,
    logLevel: 'warning',
  });
  for (const f of files.filter((f) => f.startsWith('test/') && !f.endsWith('.ts'))) cpSync(f, join(OUT, f));
}

/**
 * `test/a.test.ts` → `dist-test/test/a.test.js`, a folder `test/modules/x/` → its compiled copy
 * `dist-test/test/modules/x/` (tap runs the test files in it); anything else goes to tap as it is.
 */
const compiled = (arg) => {
  if (/^(\.\/)?test\/.*\.ts$/.test(arg)) return join(OUT, relative('.', arg)).replace(/\.ts$/, '.js');
  if (/^(\.\/)?test(\/|$)/.test(arg) && existsSync(arg) && statSync(arg).isDirectory())
    return join(OUT, relative('.', arg));
  return arg;
};

const run = (args) =>
  new Promise((resolve) => {
    spawn(process.execPath, args, { stdio: 'inherit' }).on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });

if (import.meta.url === `file://${process.argv[1]}`) {
  await buildTests();
  // The migrated database every test file starts from, made once before the files run (here
  // rather than as tap's `before` script, whose coverage would count the tests' helpers).
  const prepared = await run([join(OUT, 'test', 'before.js')]);
  if (prepared !== 0) process.exit(prepared);
  process.exit(await run(['node_modules/tap/dist/esm/run.mjs', ...process.argv.slice(2).map(compiled)]));
}
