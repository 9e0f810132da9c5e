// A payment that lands at the gateway after the till gave up on it (issue 14):
// - the new attempt state 'paid_after_close' (closed/declined here, paid there: a full refund is
//   owed), allowed by the state CHECKs and the forward-only trigger: closed | declined →
//   paid_after_close → refunded;
// - attempts.not_found_checks: how many "no such order" answers an attempt got, so that a
//   not-found is final only after a horizon and the close can say "after N checks over T s".
// SQLite cannot ALTER a CHECK constraint. Widening an IN (...) list changes nothing stored, so the
// table's text in sqlite_schema is edited under writable_schema, which SQLite documents for
// exactly this kind of change (https://sqlite.org/lang_altertable.html, "otherwise" procedure),
// and the schema version is bumped so every connection re-reads it. The migration runner's
// transaction makes it all-or-nothing, and the test checks integrity and the new CHECKs.
import type { Migration } from '../migrate.js';

const OLD_STATES = `'created','pending','reversing','paid','declined','closed','refunded'`;
const NEW_STATES = `${OLD_STATES},'paid_after_close'`;

function widenStateChecks(db: Parameters<Migration['up']>[0], table: string, expected: number): void {
  const sql = db.prepare(`SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?`).pluck().get(table) as string;
  const found = sql.split(OLD_STATES).length - 1;
  if (found !== expected) throw new Error(`005_paid_after_close: ${table} has ${found} state lists, expected ${expected}`);
  db.prepare(`UPDATE sqlite_schema SET sql = ? WHERE type = 'table' AND name = ?`).run(sql.split(OLD_STATES).join(NEW_STATES), table);
}

export const migration: Migration = {
  version: 5,
  name: 'paid_after_close',
  up(db) {
    db.exec(`ALTER TABLE attempts ADD COLUMN not_found_checks INTEGER NOT NULL DEFAULT 0 CHECK (not_found_checks >= 0)`);
    const version = db.pragma('schema_version', { simple: true }) as number;
    db.unsafeMode(true);
    try {
      db.pragma('writable_schema = ON');
      widenStateChecks(db, 'attempts', 1);
      widenStateChecks(db, 'attempt_transitions', 2);
      db.pragma(`schema_version = ${version + 1}`);
      db.pragma('writable_schema = OFF');
    } finally {
      db.unsafeMode(false);
    }
    db.exec(`
      DROP TRIGGER attempts_state_forward;
      CREATE TRIGGER attempts_state_forward BEFORE UPDATE OF state ON attempts
      WHEN NEW.state <> OLD.state AND NOT (
        (OLD.state = 'created' AND NEW.state IN ('pending','reversing','paid','declined','closed','refunded')) OR
        (OLD.state = 'pending' AND NEW.state IN ('reversing','paid','declined','closed','refunded')) OR
        (OLD.state = 'reversing' AND NEW.state IN ('closed','refunded','paid')) OR
        (OLD.state = 'paid' AND NEW.state = 'refunded') OR
        (OLD.state IN ('closed','declined') AND NEW.state = 'paid_after_close') OR
        (OLD.state = 'paid_after_close' AND NEW.state = 'refunded'))
      BEGIN SELECT RAISE(ABORT, 'attempt state may only move forward'); END;
      CREATE INDEX attempts_paid_after_close ON attempts (id) WHERE state = 'paid_after_close';
    `);
  },
};
