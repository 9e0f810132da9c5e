// 090_replication: every change to a table the head office keeps leaves one log entry in the same
// transaction; a rolled-back change leaves none; an older journal's rows are logged once
// (backfill); PIN hashes and lockout counters never cause an entry.
import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Journal } from '../../../../electron/journal/journal.js';
import { migrate } from '../../../../electron/journal/migrate.js';
import { MIGRATIONS } from '../../../../electron/journal/migrations/index.js';
import { LOGGED_TABLES } from '../../../../electron/journal/migrations/090_replication.js';
import { tempDir } from '../helpers.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());
let n = 0;
const open = () => Journal.open({ path: join(tmp.dir, `r${++n}.db`), terminalId: 'T01' });
type LogRow = { seq: number; tbl: string; row_key: string; op: string };
const log = (db: Database.Database) => db.prepare('SELECT seq, tbl, row_key, op FROM replication_log ORDER BY seq').all() as LogRow[];

describe('migration 090_replication', () => {
  it('logs a cash sale: sale, attempt, its transition, tender and audit entry, in commit order, without gaps', () => {
    const j = open();
    const before = log(j.db).length;
    j.recordCash({ amountFen: 1234, tenderedFen: 2000 });
    const rows = log(j.db).slice(before);
    const tables = new Set(rows.map((r) => r.tbl));
    for (const t of ['sales', 'attempts', 'attempt_transitions', 'cash_tenders', 'audit_log']) expect(tables, t).toContain(t);
    rows.forEach((r, i) => i > 0 && expect(r.seq).toBe(rows[i - 1]!.seq + 1));
    j.close();
  });

  it('logs nothing for a change that rolls back', () => {
    const j = open();
    const before = log(j.db);
    expect(() => j.recordCash({ amountFen: 500, tenderedFen: 100 })).toThrow(/less than the amount/);
    expect(log(j.db)).toEqual(before);
    j.close();
  });

  it('keys composite rows by their key columns joined with ":" and logs deletes', () => {
    const j = open();
    j.db.prepare(`INSERT INTO cashiers (id, name, role, pin_hash, created_at, updated_at) VALUES ('c1', 'A', 'cashier', 'scrypt$x', 'x', 'x')`).run();
    const saleId = j.recordCash({ amountFen: 300, tenderedFen: 300, lines: [{ name: 'tea', qty: 1, unitFen: 300 }] }).attempt.saleId;
    expect(log(j.db).some((r) => r.tbl === 'sale_lines' && r.row_key === `${saleId}:1`)).toBe(true);
    const mark = log(j.db).at(-1)!.seq;
    // Failed PIN tries and the hash are the till's own: no entry.
    j.db.prepare(`UPDATE cashiers SET failed_tries = 3, pin_hash = 'scrypt$y' WHERE id = 'c1'`).run();
    expect(log(j.db).at(-1)!.seq).toBe(mark);
    j.db.prepare(`UPDATE cashiers SET name = 'B' WHERE id = 'c1'`).run();
    expect(log(j.db).at(-1)).toMatchObject({ tbl: 'cashiers', row_key: 'c1', op: 'u' });
    j.db.prepare(`DELETE FROM cashiers WHERE id = 'c1'`).run();
    expect(log(j.db).at(-1)).toMatchObject({ tbl: 'cashiers', row_key: 'c1', op: 'd' });
    j.close();
  });

  it('backfills the rows of an older journal once, in key order, and then logs new changes after them', () => {
    const path = join(tmp.dir, 'old.db');
    const old = new Database(path);
    migrate(old, MIGRATIONS.filter((m) => m.version < 90), () => 'x');
    for (const id of [2, 1]) old.prepare(`INSERT INTO sales (id, created_at, business_date, terminal_id, amount_fen) VALUES (?, 'x', '2026-12-02', 'T01', 100)`).run(id);
    old.close();
    const j = Journal.open({ path, terminalId: 'T01' });
    const rows = log(j.db);
    expect(rows.filter((r) => r.tbl === 'sales').map((r) => r.row_key)).toEqual(['1', '2']);
    const last = rows.at(-1)!.seq;
    j.recordCash({ amountFen: 100, tenderedFen: 100 });
    expect(log(j.db).find((r) => r.seq > last)?.seq).toBe(last + 1);
    expect(j.db.pragma('integrity_check', { simple: true })).toBe('ok');
    j.close();
  });

  it('has a trigger for each of insert, update and delete on every logged table', () => {
    const j = open();
    const names = new Set((j.db.prepare(`SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'repl_%'`).all() as { name: string }[]).map((r) => r.name));
    for (const t of LOGGED_TABLES) for (const op of ['i', 'u', 'd']) expect(names, `${t.table} ${op}`).toContain(`repl_${t.table}_${op}`);
    j.close();
  });
});
