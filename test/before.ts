// Run by `npm test` (scripts/test.mjs) once before tap starts the test files: the migrated
// database every test starts from is made here, not by the first files racing for it.
import { prepareTestDatabases } from './helper.js';

await prepareTestDatabases();
