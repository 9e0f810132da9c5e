// The migration runner. One migration per file (`migrations/NNN_name.ts`), listed in
// `migrations/index.ts`. Numbers are owned by rooms: 001–049 payments/journal, 050–089
// shift/printer, 090–099 head office. Because rooms add migrations independently, the runner records every
// applied version (not just a high-water mark): a database that has 050 applied still gets a
// newer 004 when the build brings one. A database carrying a version this build does not know
// was written by a newer build and is refused — opening it could corrupt it.
import type Database from 'better-sqlite3';

export interface Migration {
  /** NNN of the file name, 1–999. */
  readonly version: number;
  /** The `name` part of the file name (snake_case). */
  readonly name: string;
  /** Runs inside the runner's transaction; throw to abort. Never commit or begin here. */
  up(db: Database.Database): void;
}

export class JournalVersionError extends Error {
  override name = 'JournalVersionError';
}

export interface MigrateResult {
  applied: Migration[];
  /** Highest version present after the run. */
  version: number;
}

const MIGRATION_NAME = /^[a-z0-9_]{1,64}$/;
const MAX_MIGRATION_VERSION = 999;

/** Refuses a malformed list: duplicate or unordered numbers are a build bug, not a user problem. */
export function checkMigrationList(migrations: readonly Migration[]): void {
  let last = 0;
  for (const m of migrations) {
    if (!Number.isInteger(m.version) || m.version < 1 || m.version > MAX_MIGRATION_VERSION) {
      throw new Error(`migration ${m.name}: version must be an integer 1–${MAX_MIGRATION_VERSION}, got ${m.version}`);
    }
    if (!MIGRATION_NAME.test(m.name)) throw new Error(`migration ${m.version}: name must be snake_case, got "${m.name}"`);
    if (m.version <= last) throw new Error(`migration ${m.version}_${m.name}: versions must be unique and ascending (after ${last})`);
    last = m.version;
  }
}

export function migrate(db: Database.Database, migrations: readonly Migration[], nowIso: () => string): MigrateResult {
  checkMigrationList(migrations);
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at TEXT NOT NULL
  ) STRICT`);
  const known = new Map(migrations.map((m) => [m.version, m]));
  const maxKnown = migrations.at(-1)?.version ?? 0;
  const rows = db.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all() as { version: number; name: string }[];
  const userVersion = db.pragma('user_version', { simple: true }) as number;

  const unknown = rows.filter((r) => !known.has(r.version));
  if (unknown.length > 0 || userVersion > maxKnown) {
    const first = unknown[0];
    const what = first ? `migration ${pad(first.version)}_${first.name}` : `schema version ${userVersion}`;
    throw new JournalVersionError(
      `The journal database was written by a newer version of the app (it has ${what}; this version knows migrations up to ${pad(maxKnown)}). ` +
        'It was not opened and nothing was changed: install the newer version again, or move the database aside.',
    );
  }
  for (const r of rows) {
    const m = known.get(r.version)!;
    if (m.name !== r.name) {
      throw new JournalVersionError(
        `The journal database has migration ${pad(r.version)}_${r.name} where this version has ${pad(m.version)}_${m.name}: it belongs to another build. Nothing was changed.`,
      );
    }
  }

  const done = new Set(rows.map((r) => r.version));
  const applied: Migration[] = [];
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  for (const m of migrations) {
    if (done.has(m.version)) continue;
    // Each migration and its record commit together: a crash leaves it either fully there or not.
    db.transaction(() => {
      m.up(db);
      record.run(m.version, m.name, nowIso());
    }).immediate();
    applied.push(m);
    done.add(m.version);
  }
  const version = Math.max(0, ...done);
  if (version !== userVersion) db.pragma(`user_version = ${version}`);
  return { applied, version };
}

function pad(n: number): string {
  return String(n).padStart(3, '0');
}
