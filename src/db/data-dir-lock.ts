import { randomBytes } from 'node:crypto';
import {
  linkSync,
  mkdirSync,
  readFileSync,
  readlinkSync,
  renameSync,
  statSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { errorCode } from '../shared/errors.js';

// One process per embedded data directory. Two PGlites on one directory each take it for
// their own: the writes one acknowledged are lost and the cluster may not boot again. PGlite's
// postmaster.pid cannot tell them apart (every PGlite writes the same made-up pid in it), so
// each database on disk takes this lock before PGlite opens the directory, and lets go once
// PGlite has closed (or the process exits).
//
// The lock is a file that appears whole or not at all (written aside, then linked into place,
// which fails if it exists) and names its holder. A holder that is gone leaves a stale lock,
// taken over by the next process:
// - on this host and pid namespace, when its pid runs no process, or a later one (another start
//   time: the pid was reused), or is this very process, which does not hold it (a container
//   that restarted as pid 1 again);
// - elsewhere (another container on the same volume) pids say nothing: a holder refreshes the
//   file's time, and a lock not refreshed for STALE_MS is stale.

/** The lock's file name, in the data directory. */
export const LOCK_FILE = 'ik-mirror.lock';
const REFRESH_MS = 10_000;
const STALE_MS = 60_000;

export interface Holder {
  pid: number;
  host: string;
  pid_namespace?: string;
  /** The process's start time as the kernel tells it (Linux), which a reused pid does not share. */
  started?: string;
  /** Tells this lock apart from any other, this process's included. */
  id: string;
  since: string;
}

export class DataDirLocked extends Error {
  override name = 'DataDirLocked';
  constructor(
    readonly dir: string,
    readonly holder: Holder,
  ) {
    super(
      `The data directory ${dir} is in use by another process: pid ${holder.pid} on ${holder.host}, since ${holder.since}`,
    );
  }
}

export interface DataDirLock {
  release(): void;
}

/** What a lock file holds (undefined when it does not read as a holder), and when it was last refreshed. */
interface Found {
  holder: Holder | undefined;
  refreshedAt: number;
}

/** The locks this process holds, by id, each with what lets it go. */
const held = new Map<string, () => void>();

/** Takes the directory (made if missing) for this process; a stale lock is taken over. Throws DataDirLocked while another holds it. */
export function lockDataDir(dir: string): DataDirLock {
  mkdirSync(dir, { recursive: true });
  const file = join(resolve(dir), LOCK_FILE);
  const me = thisProcess();
  // Each turn either takes the lock or finds a holder; a few turns only when others race for it.
  for (let turn = 0; turn < 10; turn++) {
    if (create(file, me)) return hold(file, me);
    const found = read(file);
    if (!found) continue; // released meanwhile
    if (found.holder && !isStale(found)) throw new DataDirLocked(dir, found.holder);
    takeOver(file, found, me.id);
  }
  throw new Error(
    `The lock of ${dir} (${LOCK_FILE}) keeps changing hands: is another process starting on it in a loop?`,
  );
}

/**
 * Runs `open` again while it meets a locked directory, for up to `waitMs` (a process manager
 * may start the new process before the old one has exited); `onWait` is told once.
 */
export async function retryWhileLocked<T>(
  open: () => T,
  { waitMs, onWait, pollMs = 200 }: { waitMs: number; onWait?: (err: DataDirLocked) => void; pollMs?: number },
): Promise<T> {
  const deadline = Date.now() + waitMs;
  for (let told = false; ; told = true) {
    try {
      return open();
    } catch (err) {
      if (!(err instanceof DataDirLocked) || Date.now() >= deadline) throw err;
      if (!told) onWait?.(err);
      await sleep(Math.min(pollMs, deadline - Date.now()));
    }
  }
}

function thisProcess(): Holder {
  return {
    pid: process.pid,
    host: hostname(),
    pid_namespace: pidNamespace(),
    started: startTimeOf(process.pid),
    id: randomBytes(8).toString('hex'),
    since: new Date().toISOString(),
  };
}

/** Linux: which pid namespace this process sees (containers have their own). */
function pidNamespace(): string | undefined {
  try {
    return readlinkSync('/proc/self/ns/pid');
  } catch {
    return undefined;
  }
}

/** Linux: the process's start time, in clock ticks since boot (field 22 of /proc/<pid>/stat). */
function startTimeOf(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces; the fields after it are counted from its ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/** The lock file, whole, if there is none yet. */
function create(file: string, holder: Holder): boolean {
  const written = `${file}.${holder.id}`;
  writeFileSync(written, JSON.stringify(holder));
  try {
    linkSync(written, file);
    return true;
  } catch (err) {
    if (errorCode(err) === 'EEXIST') return false;
    throw err;
  } finally {
    unlinkSync(written);
  }
}

function read(file: string): Found | undefined {
  try {
    const refreshedAt = statSync(file).mtimeMs;
    return { holder: parseHolder(readFileSync(file, 'utf8')), refreshedAt };
  } catch (err) {
    if (errorCode(err) === 'ENOENT') return undefined;
    throw err;
  }
}

function parseHolder(text: string): Holder | undefined {
  try {
    const h: unknown = JSON.parse(text);
    return isHolder(h) ? h : undefined;
  } catch {
    return undefined;
  }
}

/** What tells a holder: its pid and its id (the rest only refines the judgement). */
function isHolder(h: unknown): h is Holder {
  return (
    typeof h === 'object' &&
    h !== null &&
    'pid' in h &&
    Number.isInteger(h.pid) &&
    'id' in h &&
    typeof h.id === 'string'
  );
}

function isStale({ holder, refreshedAt }: Found): boolean {
  // This lock's files are whole from their first instant: one that does not read is no holder's.
  if (!holder) return true;
  if (holder.host !== hostname() || holder.pid_namespace !== pidNamespace()) return Date.now() - refreshedAt > STALE_MS;
  if (holder.pid === process.pid) return !held.has(holder.id);
  return !runs(holder);
}

function runs({ pid, started }: Holder): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if (errorCode(err) === 'ESRCH') return false; // EPERM: it runs, as another user
  }
  const now = startTimeOf(pid);
  return started === undefined || now === undefined || now === started;
}

/**
 * Moves the stale lock aside, then drops it. Two processes may judge the same lock stale: if
 * what this one moved is a lock the other has just taken, it goes back.
 */
function takeOver(file: string, stale: Found, id: string): void {
  const aside = `${file}.${id}.stale`;
  try {
    renameSync(file, aside);
  } catch (err) {
    if (errorCode(err) === 'ENOENT') return;
    throw err;
  }
  const moved = read(aside);
  if (moved && moved.holder?.id !== stale.holder?.id) {
    try {
      linkSync(aside, file);
    } catch (err) {
      if (errorCode(err) !== 'EEXIST') throw err;
    }
  }
  unlinkSync(aside);
}

function hold(file: string, me: Holder): DataDirLock {
  const refresh = setInterval(() => touch(file), REFRESH_MS).unref();
  const release = () => {
    if (!held.delete(me.id)) return;
    clearInterval(refresh);
    if (read(file)?.holder?.id === me.id) unlinkIfThere(file);
  };
  held.set(me.id, release);
  releaseAllAtExit();
  return { release };
}

function touch(file: string): void {
  const now = new Date();
  try {
    utimesSync(file, now, now);
  } catch {
    // Gone with its directory (a sandbox deleted): nothing to refresh.
  }
}

function unlinkIfThere(file: string): void {
  try {
    unlinkSync(file);
  } catch (err) {
    if (errorCode(err) !== 'ENOENT') throw err;
  }
}

let exitHooked = false;

/** However the process ends (short of being killed), the directories it held are free again. */
function releaseAllAtExit(): void {
  if (exitHooked) return;
  exitHooked = true;
  process.once('exit', () => {
    for (const release of [...held.values()]) release();
  });
}
