import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { bootstrapFirstAdmin } from '../../src/modules/bootstrap/bootstrap.js';
import { ADMIN_TOKEN, bearer, buildTestApp, testDatabase } from '../helper.js';
import { commands, documents, shellBlocks, type ShellBlock } from './shell-examples.js';

// Every shell example of the README and of docs/ is checked, so none can rot silently: the
// blocks marked `run` are executed with bash, in order, one shell per document, against a
// server of their own on a port the system gave, and each command must succeed and print what
// its `# → …` says. The server is what a reader has after the README's first start: the
// first-start administrator exists, and the shell has TOKEN (their token), ORG (their
// organisation), MIRROR_ADMIN_TOKEN (the control plane is on) and CI_NODE_INDEX=1 (as a CI
// shard would). `localhost:3000` and `127.0.0.1:3000` in a command mean that server.
// Blocks marked `runs in PATH` start or build something (the server, the image, the suite):
// PATH, which CI runs, must exist.

const ROOT = process.cwd();
const COMMAND_TIMEOUT_MS = 60_000;

interface Outcome {
  status: number;
  stdout: string;
  stderr: string;
}

/** One bash process a document's commands run in one after the other, so variables carry over. */
class Shell {
  private child: ChildProcessWithoutNullStreams;
  private stdout = '';
  private stderr = '';
  private count = 0;

  constructor(cwd: string, env: Record<string, string>) {
    this.child = spawn('bash', ['--noprofile', '--norc'], { cwd, env: { ...process.env, ...env } });
    this.child.stdout.on('data', (d: Buffer) => (this.stdout += d.toString()));
    this.child.stderr.on('data', (d: Buffer) => (this.stderr += d.toString()));
  }

  /** Runs one command; resolves with its status and what it printed. */
  run(command: string): Promise<Outcome> {
    const marker = `__example_done_${++this.count}__`;
    this.stdout = '';
    this.stderr = '';
    // The command's stdin is not the script: nothing it runs can read the commands after it.
    this.child.stdin.write(`{\n${command}\n} </dev/null\nprintf '\\n${marker} %s\\n' "$?"\n`);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no end within ${COMMAND_TIMEOUT_MS} ms: ${command}`)),
        COMMAND_TIMEOUT_MS,
      );
      const check = () => {
        const m = new RegExp(`\\n${marker} (\\d+)\\n`).exec(this.stdout);
        if (!m) return;
        clearTimeout(timer);
        this.child.stdout.off('data', check);
        resolve({ status: Number(m[1]), stdout: this.stdout.slice(0, m.index), stderr: this.stderr });
      };
      this.child.stdout.on('data', check);
      check();
    });
  }

  close(): void {
    this.child.stdin.end();
    this.child.kill();
  }
}

/** A server as after the README's first start, on a port the system gave. */
async function firstStartServer(t: Test) {
  const http = createServer();
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const address = `127.0.0.1:${(http.address() as AddressInfo).port}`;
  t.teardown(
    () =>
      new Promise<void>((resolve) => {
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  );
  const database = await testDatabase(t);
  const admin = (await bootstrapFirstAdmin(database.db))!;
  const app = await buildTestApp(t, { database, config: { PUBLIC_URL: `http://${address}` } });
  http.on('request', (req, res) => app.routing(req, res));
  const accounts = await app.inject({ url: '/1/accounts', headers: bearer(admin.token) });
  return { address, token: admin.token, org: String(accounts.json().data[0].id) };
}

const firstLine = (command: string) => command.split('\n')[0].trim().slice(0, 100);
const withServer = (command: string, address: string) => command.replace(/\b(localhost|127\.0\.0\.1):3000\b/g, address);

async function runDocument(t: Test, file: string, blocks: ShellBlock[]) {
  const server = await firstStartServer(t);
  const cwd = mkdtempSync(join(tmpdir(), 'ikm-examples-'));
  const shell = new Shell(cwd, {
    TOKEN: server.token,
    ORG: server.org,
    MIRROR_ADMIN_TOKEN: ADMIN_TOKEN,
    CI_NODE_INDEX: '1',
  });
  t.teardown(() => {
    shell.close();
    rmSync(cwd, { recursive: true, force: true });
  });
  for (const block of blocks) {
    for (const command of commands(block.code)) {
      const where = `${file}:${block.line} ${firstLine(command.text)}`;
      const out = await shell.run(withServer(command.text, server.address));
      if (out.status !== 0) t.fail(`${where} exited ${out.status}`, { stdout: out.stdout, stderr: out.stderr });
      else if (command.expect !== undefined)
        t.ok(out.stdout.includes(command.expect), `${where} → ${command.expect}`, { stdout: out.stdout });
      else t.notMatch(out.stdout, /"result":"error"/, `${where} answers no error`);
    }
  }
}

const all = documents(ROOT).flatMap((file) => shellBlocks(ROOT, file));

t.test('every shell example says how it is checked', async (t) => {
  t.ok(all.length > 0, 'the documents have shell examples');
  for (const b of all) {
    const where = `${b.file}:${b.line}`;
    if (!b.directive) t.fail(`${where}: no <!-- example: run --> or <!-- example: runs in PATH --> before the block`);
    else if (b.directive.kind === 'runs-in')
      t.ok(existsSync(join(ROOT, b.directive.path)), `${where} runs in ${b.directive.path}`);
    else t.pass(`${where} is run`);
  }
});

for (const file of documents(ROOT)) {
  const blocks = all.filter((b) => b.file === file && b.directive?.kind === 'run');
  if (blocks.length)
    t.test(`the shell examples of ${file} run and do what they say`, (t) => runDocument(t, file, blocks));
}
