import { existsSync } from 'node:fs';
import { join } from 'node:path';
import closeWithGrace from 'close-with-grace';
import { buildApp } from './app.js';
import { ConfigError, loadConfig, publicUrl } from './config.js';
import { openDatabase } from './db/database.js';
import { migrateToLatest } from './db/migrate.js';
import { bootstrapFirstAdmin } from './modules/bootstrap/bootstrap.js';
import { FIXTURES } from './modules/mirror/fixtures/demo.js';
import { seed } from './modules/mirror/seed.js';

// The process: configuration, database, first-start administrator, listening, and a
// graceful close on SIGTERM/SIGINT (in-flight requests finish, then the pool closes).
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
  if (!config.DATABASE_URL && !existsSync(join(config.DATA_DIR, 'PG_VERSION'))) {
    // The only slow start there is (initdb inside WebAssembly): say so rather than look hung.
    process.stdout.write(`Creating the embedded database in ${config.DATA_DIR} (first start only; about 10 seconds)…\n`);
  }
  const database = openDatabase({ url: config.DATABASE_URL, dataDir: config.DATABASE_URL ? undefined : config.DATA_DIR });
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
  await app.listen({ port: config.PORT, host: config.HOST });

  if (seeded) {
    process.stdout.write([
      `Seeded the ${config.MIRROR_SEED} fixture; the mirror's clock is at ${new Date(seeded.now * 1000).toISOString()}.`,
      ...seeded.users.map((u) => `${u.email}  password: ${u.password}  token: ${u.token}`),
      '',
    ].join('\n'));
  }
  if (admin) {
    // Printed once, on the first start of an empty database; nothing else ever shows them.
    process.stdout.write(
      [
        'First start: an administrator, their organisation and an API token were created.',
        `email: ${admin.email}`,
        `password: ${admin.password}`,
        `token: ${admin.token}`,
        `Try: curl -H "Authorization: Bearer ${admin.token}" ${publicUrl(config)}/2/profile`,
        '',
      ].join('\n'),
    );
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
