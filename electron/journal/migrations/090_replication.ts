// Replication to the head office (issue 12): every insert, update and delete of a row the head
// office keeps leaves one entry in replication_log, written by a trigger inside the same
// transaction as the change (no extra commit, no extra fsync). The pusher
// (electron/headoffice/pusher.ts) sends the log in seq order and prunes what the head office
// acknowledged. Rows already in the journal when this migration runs are logged once (backfill),
// so an existing till replicates its whole history.
//
// seq is AUTOINCREMENT: never reused after a prune, and without gaps (a rolled-back transaction
// rolls back its sqlite_sequence too), so "rows behind" is max(seq) − acknowledged.
import type { Migration } from '../migrate.js';

export interface LoggedTable {
  readonly table: string;
  /** Primary-key columns; the row key is their values joined by ':' (none of them holds a ':'). */
  readonly key: readonly string[];
  /** Only updates of these columns are logged (default: every update). */
  readonly updateOf?: readonly string[];
}

/** The journal tables the head office keeps, as this migration logs them. Frozen with it. */
export const LOGGED_TABLES: readonly LoggedTable[] = [
  { table: 'sales', key: ['id'] },
  { table: 'sale_lines', key: ['sale_id', 'line_no'] },
  { table: 'attempts', key: ['id'] },
  { table: 'attempt_transitions', key: ['id'] },
  { table: 'cash_tenders', key: ['attempt_id'] },
  { table: 'refunds', key: ['id'] },
  { table: 'refund_lines', key: ['refund_id', 'line_no'] },
  { table: 'reversals', key: ['attempt_id'] },
  { table: 'withdrawals', key: ['out_trade_no'] },
  { table: 'audit_log', key: ['seq'] },
  // PIN hashes and lockout counters stay on the till: only these columns reach the head office.
  { table: 'cashiers', key: ['id'], updateOf: ['name', 'role', 'active'] },
  { table: 'shifts', key: ['id'] },
  { table: 'cash_moves', key: ['id'] },
  { table: 'reconciliations', key: ['id'] },
  { table: 'print_jobs', key: ['id'] },
  { table: 'stock_moves', key: ['id'] },
];

/** Logs every row of a table once, in key order (the backfill; again if the head office lost rows). */
export function backfillSql(t: LoggedTable): string {
  return `INSERT INTO replication_log (tbl, row_key, op) SELECT '${t.table}', ${keyExpr(t, '')}, 'u' FROM ${t.table} ORDER BY ${t.key.join(', ')}`;
}

function keyExpr(t: LoggedTable, row: 'NEW' | 'OLD' | ''): string {
  const col = (c: string) => (row ? `${row}.${c}` : c);
  return t.key.map((c) => `CAST(${col(c)} AS TEXT)`).join(` || ':' || `);
}

export const migration: Migration = {
  version: 90,
  name: 'replication',
  up(db) {
    db.exec(`
      CREATE TABLE replication_log (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        tbl TEXT NOT NULL,
        row_key TEXT NOT NULL,
        op TEXT NOT NULL CHECK (op IN ('u', 'd'))
      ) STRICT;
      -- The pusher's own facts: acknowledged cursor, last push, last error (key → value).
      CREATE TABLE replication_state (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) STRICT, WITHOUT ROWID;
    `);
    for (const t of LOGGED_TABLES) {
      const upd = t.updateOf ? ` OF ${t.updateOf.join(', ')}` : '';
      db.exec(`
        CREATE TRIGGER repl_${t.table}_i AFTER INSERT ON ${t.table}
        BEGIN INSERT INTO replication_log (tbl, row_key, op) VALUES ('${t.table}', ${keyExpr(t, 'NEW')}, 'u'); END;
        CREATE TRIGGER repl_${t.table}_u AFTER UPDATE${upd} ON ${t.table}
        BEGIN INSERT INTO replication_log (tbl, row_key, op) VALUES ('${t.table}', ${keyExpr(t, 'NEW')}, 'u'); END;
        CREATE TRIGGER repl_${t.table}_d AFTER DELETE ON ${t.table}
        BEGIN INSERT INTO replication_log (tbl, row_key, op) VALUES ('${t.table}', ${keyExpr(t, 'OLD')}, 'd'); END;
      `);
      // Backfill: what the journal already holds, in key order.
      db.exec(backfillSql(t));
    }
  },
};
