import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { onCleanup, track } from './cleanup.js';

// Prism, the OpenAPI mock a user would otherwise run, serving the official document. It runs
// through `npx --yes` at a pinned major version so it never enters package-lock.json. The
// document has references to schemas it does not define: a temporary copy gets a placeholder
// for each (the reference itself is never touched).

export const PRISM_PACKAGE = '@stoplight/prism-cli@5';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function refs(node: Json, found: Set<string>): void {
  if (Array.isArray(node)) node.forEach((n) => refs(n, found));
  else if (node && typeof node === 'object')
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string') found.add(v);
      else refs(v, found);
    }
}

function resolves(doc: Json, ref: string): boolean {
  let node: Json | undefined = doc;
  for (const raw of ref.slice(2).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (!node || typeof node !== 'object' || Array.isArray(node) || !(key in node)) return false;
    node = node[key];
  }
  return true;
}

/** A copy of the document with a placeholder schema for every local reference that resolves to nothing; its path and what was patched. */
export function patchedDocument(source: string): { path: string; patched: string[] } {
  const doc = JSON.parse(readFileSync(source, 'utf8')) as { components?: Record<string, Record<string, Json>> };
  const found = new Set<string>();
  refs(doc, found);
  const patched = [...found].filter((r) => r.startsWith('#/components/') && !resolves(doc as Json, r));
  for (const ref of patched) {
    const [, , kind, name] = ref.split('/');
    doc.components ??= {};
    doc.components[kind] ??= {};
    doc.components[kind][name] = {
      type: 'object',
      description: 'placeholder added by the bench: not defined in the document',
    };
  }
  const dir = mkdtempSync(join(tmpdir(), 'ikm-bench-prism-'));
  onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'openapi.json');
  writeFileSync(path, JSON.stringify(doc));
  return { path, patched };
}

export async function prismVersion(): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('npx', ['--yes', PRISM_PACKAGE, '--version'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve(out.trim()) : reject(new Error(`npx ${PRISM_PACKAGE} failed (${code})`)),
    );
  });
}

/** Prism mocking `document` on `port`, until stop(); request logs off (warn level), as ik-mirror's are in the bench. */
export async function startPrism(document: string, port: number): Promise<{ stop(): Promise<void> }> {
  const args = ['--yes', PRISM_PACKAGE, 'mock', '-h', '127.0.0.1', '-p', String(port), '-v', 'warn', document];
  // A group of its own: npx runs Prism as its child, and both must go at the end.
  const child = spawn('npx', args, { stdio: ['ignore', 'pipe', 'inherit'], detached: true });
  track(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
    process.kill(-child.pid, 'SIGTERM');
    await exited;
  };
  onCleanup(stop);
  createInterface({ input: child.stdout }).on('line', () => undefined);
  for (const started = Date.now(); Date.now() - started < 120_000;) {
    if (child.exitCode !== null) throw new Error(`Prism exited (code ${child.exitCode})`);
    const res = await fetch(`http://127.0.0.1:${port}/1/ping`).catch(() => undefined);
    if (res) return { stop };
    await new Promise((r) => setTimeout(r, 200));
  }
  await stop();
  throw new Error('Prism did not start within 2 minutes');
}
