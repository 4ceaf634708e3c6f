import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import t from 'tap';

// A merge's conflict markers once landed in the README unnoticed (nothing parses Markdown):
// no tracked text file may hold one.
const MARKER = /^(<{7}|>{7}) /m; // "=======" alone is also a Markdown heading underline

t.test('no tracked file holds a merge conflict marker', async (t) => {
  const files = execFileSync('git', ['ls-files', '-z'], { encoding: 'utf8' })
    .split('\0')
    .filter((f) => /\.(md|ts|mjs|js|json|ya?ml|sql|sh)$|^\.ci\//.test(f));
  t.ok(files.length > 100, 'the tracked files are listed');
  const marked = files.filter((f) => MARKER.test(readFileSync(f, 'utf8')));
  t.same(marked, [], 'files with a conflict marker');
});
