import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, loadConfig, type Config } from './config.js';

// The process: configuration, database, first-start administrator, listening, and a
// graceful close on SIGTERM/SIGINT (in-flight requests finish, then the pool closes).
// The configuration is checked before the rest of the server is loaded, so a bad variable
// stops the boot at once.
async function main() {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(78);
    }
    throw err;
  }
  // The database boots (inside WebAssembly when embedded) while the server's modules load.
  const database = await openMainDatabase(config);
  const booted = database.ping();
  booted.catch(() => {}); // awaited below, once the modules are loaded; until then not unhandled
  const [{ default: closeWithGrace }, { buildApp }, { migrateToLatest }, { bootstrapFirstAdmin }, { FIXTURES }, { seed }] = await Promise.all([
    import('close-with-grace'), import('./app.js'), import('./db/migrate.js'),
    import('./modules/bootstrap/bootstrap.js'), import('./modules/mirror/fixtures/demo.js'), import('./modules/mirror/seed.js'),
  ]);
  await booted;
  await migrateToLatest(database.db);
  // MIRROR_SEED replaces whatever the database holds with a fixture (and its known tokens).
  const seeded = config.MIRROR_SEED ? await seed(database.db, FIXTURES[config.MIRROR_SEED]!) : undefined;
  const admin = seeded ? undefined : await bootstrapFirstAdmin(database.db);

  const app = await buildApp({ config, database, logger: { level: config.LOG_LEVEL } });
  closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
    if (err) app.log.error({ err }, 'closing after an error');
    else app.log.info({ signal }, 'closing');
    await app.close();
    await database.close();
  });
  const address = await app.listen({ port: config.PORT, host: config.HOST });

  // The first line says where the server listens (with PORT 0, the port it got); it is how a
  // script or a test that started it finds it. Then what a seed or a first start made.
  const lines = [`listening: ${address}`];
  if (seeded) {
    lines.push(
      `Seeded the ${config.MIRROR_SEED} fixture; the mirror's clock is at ${new Date(seeded.now * 1000).toISOString()}.`,
      ...seeded.users.map((u) => `${u.email}  password: ${u.password}  token: ${u.token}`),
    );
  }
  if (admin) {
    // Printed once, on the first start of an empty database; nothing else ever shows them.
    lines.push(
      'First start: an administrator, their organisation and an API token were created.',
      `email: ${admin.email}`,
      `password: ${admin.password}`,
      `token: ${admin.token}`,
      `Try: curl -H "Authorization: Bearer ${admin.token}" ${app.publicUrl}/2/profile`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** The exit code when another process holds the embedded database's directory (sysexits' EX_TEMPFAIL: try again later). */
const DATA_DIR_IN_USE = 75;

/**
 * Postgres, or the embedded database in DATA_DIR once this process holds it: a start waits
 * DATA_DIR_LOCK_WAIT_SECONDS for another process to let go, then exits (DATA_DIR_IN_USE).
 */
async function openMainDatabase(config: Config) {
  const [{ openDatabase }, { DataDirLocked, retryWhileLocked }] = await Promise.all([import('./db/database.js'), import('./db/data-dir-lock.js')]);
  if (config.DATABASE_URL) return openDatabase({ url: config.DATABASE_URL });
  const wait = config.DATA_DIR_LOCK_WAIT_SECONDS;
  try {
    return await retryWhileLocked(() => {
      const fresh = !existsSync(join(config.DATA_DIR, 'PG_VERSION'));
      const database = openDatabase({ dataDir: config.DATA_DIR });
      // The only slow start there is (initdb inside WebAssembly): say so rather than look hung.
      if (fresh) process.stdout.write(`Creating the embedded database in ${config.DATA_DIR} (first start only; about 10 seconds)…\n`);
      return database;
    }, { waitMs: wait * 1000, onWait: (err) => console.error(`${err.message}; waiting up to ${wait} s for it to exit (DATA_DIR_LOCK_WAIT_SECONDS)…`) });
  } catch (err) {
    if (!(err instanceof DataDirLocked)) throw err;
    console.error(`${err.message}. Two processes on one embedded database lose data: stop that one, or start this one on another DATA_DIR (waited ${wait} s: DATA_DIR_LOCK_WAIT_SECONDS).`);
    process.exit(DATA_DIR_IN_USE);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
