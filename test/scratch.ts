import { accessSync, constants, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Where tests keep the data directories they make (a PGlite per test, the child servers'):
// in memory, Linux's /dev/shm, where there is one. On disk each test database's copy, writes
// and removal cost the suite a second of I/O and more, varying with the disk; elsewhere the
// system's temporary directory.

function memoryDir(): string | undefined {
  try {
    accessSync('/dev/shm', constants.W_OK);
    return '/dev/shm';
  } catch {
    return undefined;
  }
}

const base = memoryDir() ?? tmpdir();

/** A new empty directory named `<prefix>…` in the scratch space. */
export const scratchDir = (prefix: string) => mkdtempSync(join(base, prefix));

/** A path in the scratch space that nothing has made. */
export const scratchPath = (name: string) => join(base, name);
