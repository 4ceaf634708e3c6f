import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config.js';

// The database a process (the server, `npm run migrate`) works on: Postgres, or the embedded
// one in DATA_DIR once this process holds the directory. Loaded lazily by its callers'
// imports so a start pays for PGlite only when it uses it.

/** The exit code when another process holds the embedded database's directory (sysexits' EX_TEMPFAIL: try again later). */
export const DATA_DIR_IN_USE = 75;

/**
 * Waits DATA_DIR_LOCK_WAIT_SECONDS for another process to let go of DATA_DIR, then exits
 * (DATA_DIR_IN_USE) saying which process holds it: two processes on one embedded database
 * lose data.
 */
export async function openMainDatabase(config: Config) {
  const [{ openDatabase }, { DataDirLocked, retryWhileLocked }] = await Promise.all([
    import('./database.js'),
    import('./data-dir-lock.js'),
  ]);
  if (config.DATABASE_URL) return openDatabase({ url: config.DATABASE_URL });
  const wait = config.DATA_DIR_LOCK_WAIT_SECONDS;
  try {
    return await retryWhileLocked(
      () => {
        const fresh = !existsSync(join(config.DATA_DIR, 'PG_VERSION'));
        const database = openDatabase({ dataDir: config.DATA_DIR });
        // The only slow start there is (initdb inside WebAssembly): say so rather than look hung.
        if (fresh)
          process.stdout.write(
            `Creating the embedded database in ${config.DATA_DIR} (first start only; about 10 seconds)…\n`,
          );
        return database;
      },
      {
        waitMs: wait * 1000,
        onWait: (err) =>
          console.error(`${err.message}; waiting up to ${wait} s for it to exit (DATA_DIR_LOCK_WAIT_SECONDS)…`),
      },
    );
  } catch (err) {
    if (!(err instanceof DataDirLocked)) throw err;
    console.error(
      `${err.message}. Two processes on one embedded database lose data: stop that one, or start this one on another DATA_DIR (waited ${wait} s: DATA_DIR_LOCK_WAIT_SECONDS).`,
    );
    process.exit(DATA_DIR_IN_USE);
  }
}
