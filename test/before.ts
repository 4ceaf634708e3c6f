// Run by tap once before the test files (`before` in .taprc): the migrated database every
// file starts from is made here, not by the first files racing for it.
import { prepareTestDatabases } from './helper.js';

await prepareTestDatabases();
