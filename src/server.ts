import { ConfigError, loadConfig, type Config } from './config.js';
import { leanHeapGrowth } from './lean-heap.js';

// The process: configuration, database, first-start administrator, listening, and a
// graceful close on SIGTERM/SIGINT (in-flight requests finish, then the pool closes).
// The configuration is checked before the rest of the server is loaded, so a bad variable
// stops the boot at once.

/** The configuration; a bad one stops the process with EX_CONFIG (78), naming the variable. */
function configOrExit(): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(78);
    }
    throw err;
  }
}

async function main() {
  const config = configOrExit();
  // The database boots (inside WebAssembly when embedded) while the server's modules load.
  const { openMainDatabase } = await import('./db/open-main.js');
  const database = await openMainDatabase(config);
  const booted = database.ping();
  booted.catch(() => {}); // awaited below, once the modules are loaded; until then not unhandled
  const [{ default: closeWithGrace }, { buildApp }, { migrateToLatest }, { bootstrapFirstAdmin }, { FIXTURES, seed }] =
    await Promise.all([
      import('close-with-grace'),
      import('./app.js'),
      import('./db/migrate.js'),
      import('./modules/bootstrap/index.js'),
      import('./modules/mirror/index.js'),
    ]);
  await booted;
  await migrateToLatest(database.db);
  // MIRROR_SEED replaces whatever the database holds with a fixture (and its known tokens).
  const seeded = config.MIRROR_SEED ? await seed(database.db, FIXTURES[config.MIRROR_SEED]) : undefined;
  const admin = seeded ? undefined : await bootstrapFirstAdmin(database.db);

  const app = await buildApp({ config, database, logger: { level: config.LOG_LEVEL } });
  closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
    if (err) app.log.error({ err }, 'closing after an error');
    else app.log.info({ signal }, 'closing');
    await app.close();
    await database.close();
  });
  const address = await app.listen({ port: config.PORT, host: config.HOST });
  leanHeapGrowth();

  // The first line says where the server listens (with PORT 0, the port it got); it is how a
  // script or a test that started it finds it. Then what a seed or a first start made.
  const lines = [
    `listening: ${address}`,
    ...(seeded ? seededLines(config.MIRROR_SEED, seeded) : []),
    ...(admin ? firstAdminLines(admin, app.publicUrl) : []),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

interface Seeded {
  now: number;
  users: { email: string; password: string; token: string }[];
}

function seededLines(fixture: string | undefined, seeded: Seeded): string[] {
  return [
    `Seeded the ${fixture} fixture; the mirror's clock is at ${new Date(seeded.now * 1000).toISOString()}.`,
    ...seeded.users.map((u) => `${u.email}  password: ${u.password}  token: ${u.token}`),
  ];
}

/** Printed once, on the first start of an empty database; nothing else ever shows them. */
function firstAdminLines(admin: { email: string; password: string; token: string }, publicUrl: string): string[] {
  return [
    'First start: an administrator, their organisation and an API token were created.',
    `email: ${admin.email}`,
    `password: ${admin.password}`,
    `token: ${admin.token}`,
    `Try: curl -H "Authorization: Bearer ${admin.token}" ${publicUrl}/2/profile`,
  ];
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
