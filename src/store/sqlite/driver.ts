/**
 * Which better-sqlite3 opens the databases. Node.js 22 and later get better-sqlite3 13 (installed as
 * `better-sqlite3-napi`): it is built on Node-API, and 12's statements crash Node.js 24.19 and later
 * when the garbage collector frees them ("Assertion failed: (env) != nullptr" in
 * node::RemoveEnvironmentCleanupHook). Node.js 20, which 13 does not support, keeps 12. The two
 * have the same API, so the rest of the store does not know which one it has.
 */
import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';

const require = createRequire(import.meta.url);

/** The better-sqlite3 package for this Node.js. */
export const DRIVER_PACKAGE =
  Number(process.versions.node.split('.')[0]) >= 22 ? 'better-sqlite3-napi' : 'better-sqlite3';

const Database = require(DRIVER_PACKAGE) as typeof BetterSqlite3;
export default Database;
