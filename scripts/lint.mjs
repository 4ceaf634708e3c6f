#!/usr/bin/env node
// `npm run lint`: the three checks (ESLint with type information, Prettier's check, the
// dependency rules) at once rather than one after the other. ESLint alone takes most of the
// time on one core; the other two fit beside it on a second. Each check's output is printed
// whole once it ends, in this order, and the exit code is non-zero when any check failed.
import { spawn } from 'node:child_process';

const CHECKS = ['lint:eslint', 'lint:format', 'lint:deps'];

function run(script) {
  return new Promise((resolve) => {
    const child = spawn('npm', ['run', '--silent', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    const output = [];
    child.stdout.on('data', (chunk) => output.push(chunk));
    child.stderr.on('data', (chunk) => output.push(chunk));
    child.on('close', (code) => resolve({ script, code: code ?? 1, output: Buffer.concat(output).toString() }));
  });
}

const results = await Promise.all(CHECKS.map(run));
for (const { script, code, output } of results) {
  process.stdout.write(`> ${script}${code === 0 ? '' : ` (failed, exit ${code})`}\n${output}\n`);
}
process.exitCode = results.some((r) => r.code !== 0) ? 1 : 0;
