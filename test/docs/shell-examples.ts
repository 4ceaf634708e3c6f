import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

// The shell examples of the README, CONTRIBUTING.md and docs/: every ```sh block says, in an HTML comment on
// the line before it (invisible once rendered), how it is checked:
//   <!-- example: run -->                 run by test/docs/examples.test.ts, in order, in one
//                                         shell per document, against a live server;
//   <!-- example: runs in PATH -->        a command that starts or builds something (the server,
//                                         the image, the suite) and that PATH runs in CI;
// and a command may end with `# → TEXT`: its output must contain TEXT (a remark in brackets
// may follow it: `# → "status":"succeeded" (paid)`; a trailing … is dropped).

export type Directive = { kind: 'run' } | { kind: 'runs-in'; path: string };

export interface ShellBlock {
  file: string;
  /** 1-based line of the opening fence. */
  line: number;
  directive: Directive | undefined;
  code: string;
}

export interface Command {
  /** The text given to the shell (comments included; the shell drops them). */
  text: string;
  /** What the output must contain, from a trailing `# → …`. */
  expect: string | undefined;
}

const DIRECTIVE = /^<!--\s*example:\s*(run|runs in\s+(\S+))\s*-->$/;

/** README.md, CONTRIBUTING.md and every Markdown file under docs/, as paths relative to the root. */
export function documents(root: string): string[] {
  const found = ['README.md', 'CONTRIBUTING.md'].filter((f) => existsSync(join(root, f)));
  const walk = (dir: string) => {
    for (const name of readdirSync(join(root, dir)).sort()) {
      const path = join(dir, name);
      if (statSync(join(root, path)).isDirectory()) walk(path);
      else if (name.endsWith('.md')) found.push(path);
    }
  };
  try {
    walk('docs');
  } catch {
    // No docs/ folder yet.
  }
  return found;
}

export function shellBlocks(root: string, file: string): ShellBlock[] {
  const lines = readFileSync(join(root, file), 'utf8').split('\n');
  const blocks: ShellBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!/^```(sh|bash|shell)\s*$/.test(lines[i])) continue;
    const start = i;
    const body: string[] = [];
    while (++i < lines.length && !/^```\s*$/.test(lines[i])) body.push(lines[i]);
    blocks.push({ file, line: start + 1, directive: directiveBefore(lines, start), code: body.join('\n') });
  }
  return blocks;
}

function directiveBefore(lines: string[], fence: number): Directive | undefined {
  const m = DIRECTIVE.exec(lines[fence - 1]?.trim() ?? '');
  if (!m) return undefined;
  return m[2] ? { kind: 'runs-in', path: m[2] } : { kind: 'run' };
}

/** Where a `#` starts a comment on this line, given whether a quote is open at its start. */
function scan(line: string, open: string | null): { open: string | null; comment: number } {
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (open === "'") {
      if (c === "'") open = null;
    } else if (open === '"') {
      if (c === '\\') i++;
      else if (c === '"') open = null;
    } else if (c === '\\') i++;
    else if (c === "'" || c === '"') open = c;
    else if (c === '#' && (i === 0 || /\s/.test(line[i - 1]))) return { open, comment: i };
  }
  return { open, comment: -1 };
}

/**
 * The block's commands: a line, joined with the next while it ends in a backslash or leaves a
 * quote open. Comment-only lines are dropped, and so is an assignment whose value holds `…`
 * (a placeholder for the reader, such as the token printed at the first start: the runner
 * sets that variable itself).
 */
export function commands(code: string): Command[] {
  const out: Command[] = [];
  let text: string[] = [];
  let open: string | null = null;
  let expect: string | undefined;
  for (const line of code.split('\n')) {
    const s = scan(line, open);
    open = s.open;
    const comment = s.comment >= 0 ? line.slice(s.comment) : '';
    const arrow = /^#\s*→\s*(.+?)\s*$/.exec(comment);
    if (arrow) expect = arrow[1].replace(/\s+\(.*\)$/, '').replace(/…$/, '');
    const code = s.comment >= 0 ? line.slice(0, s.comment) : line;
    if (!text.length && !code.trim()) continue;
    text.push(line);
    if (open || /\\\s*$/.test(code)) continue;
    const joined = text.join('\n');
    if (!/^\s*[A-Za-z_]\w*=\S*…/.test(joined)) out.push({ text: joined, expect });
    text = [];
    expect = undefined;
  }
  if (text.length) out.push({ text: text.join('\n'), expect });
  return out;
}
