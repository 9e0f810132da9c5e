// better-sqlite3 is a native module built for one ABI. `npm test` uses the Node build in
// node_modules; the Electron app loads a second build made for Electron's ABI (build/native.ts),
// whose path the shell puts in POS_SQLITE_BINDING before any database opens.
import type { Options } from 'better-sqlite3';

export const SQLITE_BINDING_ENV = 'POS_SQLITE_BINDING';

/** Options every `new Database()` of the app passes, so the right native build is loaded. */
export function sqliteOptions(extra: Options = {}): Options {
  const nativeBinding = process.env[SQLITE_BINDING_ENV];
  return nativeBinding ? { ...extra, nativeBinding } : extra;
}
