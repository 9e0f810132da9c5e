// The blind counts of a close, kept on the shift row (shift room, issue 7). Before this, each
// count was only an audit entry (shift.counted) that no screen shows, so a cashier could count,
// see the expected amount, and count again until it matched. Now the row keeps:
//   counts              — how many distinct counts the close took (a count re-sent unchanged, e.g.
//                         after "query now", is not a new one)
//   first_counted_fen   — the FIRST count, and first_expected_fen what the drawer should have held
//                         then: fixed once set (trigger), shown on the Z report when counts > 1,
//                         and its variance needs the manager's approval even if a recount matches
//   last_counted_fen    — the latest count, last_expected_fen and last_denominations with it: the
//                         only count a close accepts (shift.close of any other amount is refused)
// A shift closes with its latest recorded count (trigger), so no close skips the record.
//
// Upgrade: a shift still open keeps the counts its audit log already holds (shift.counted, in
// order). A shift closed before this migration is left as it was (a closed shift never changes):
// counts 0, no first count — its counts were not recorded on the row.
import type { Migration } from '../migrate.js';

interface CountedEntry {
  countedFen?: unknown;
  expectedFen?: unknown;
  denominations?: unknown;
}

const isFen = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);

export const migration: Migration = {
  version: 52,
  name: 'shift_counts',
  up(db) {
    db.exec(`
      ALTER TABLE shifts ADD COLUMN counts INTEGER NOT NULL DEFAULT 0 CHECK (counts >= 0);
      ALTER TABLE shifts ADD COLUMN first_counted_fen INTEGER CHECK (first_counted_fen IS NULL OR first_counted_fen >= 0);
      ALTER TABLE shifts ADD COLUMN first_expected_fen INTEGER;
      ALTER TABLE shifts ADD COLUMN last_counted_fen INTEGER CHECK (last_counted_fen IS NULL OR last_counted_fen >= 0);
      ALTER TABLE shifts ADD COLUMN last_expected_fen INTEGER;
      ALTER TABLE shifts ADD COLUMN last_denominations TEXT CHECK (last_denominations IS NULL OR json_valid(last_denominations));
    `);

    // Counts already in the audit log of a shift still open (oldest first).
    const open = db.prepare('SELECT id FROM shifts WHERE closed_at IS NULL').all() as { id: number }[];
    const entries = db.prepare(`SELECT data FROM audit_log WHERE kind = 'shift.counted' AND subject = ? ORDER BY seq`);
    const set = db.prepare(`UPDATE shifts SET counts = ?, first_counted_fen = ?, first_expected_fen = ?, last_counted_fen = ?, last_expected_fen = ?, last_denominations = ? WHERE id = ?`);
    for (const { id } of open) {
      const counted = (entries.all(`shift:${id}`) as { data: string }[])
        .map((r) => JSON.parse(r.data) as CountedEntry)
        .filter((d) => isFen(d.countedFen) && d.countedFen >= 0 && isFen(d.expectedFen));
      if (counted.length === 0) continue;
      const first = counted[0]!;
      const last = counted.at(-1)!;
      const denominations = last.denominations !== null && typeof last.denominations === 'object' ? JSON.stringify(last.denominations) : null;
      set.run(counted.length, first.countedFen, first.expectedFen, last.countedFen, last.expectedFen, denominations, id);
    }

    db.exec(`
      -- Rows written before this migration are valid by construction (above); from now on:
      CREATE TRIGGER shifts_counts_valid BEFORE UPDATE OF counts, first_counted_fen, first_expected_fen, last_counted_fen, last_expected_fen ON shifts
      WHEN NEW.counts < OLD.counts
        OR (OLD.first_counted_fen IS NOT NULL AND (NEW.first_counted_fen IS NOT OLD.first_counted_fen OR NEW.first_expected_fen IS NOT OLD.first_expected_fen))
        OR ((NEW.counts = 0) <> (NEW.first_counted_fen IS NULL))
        OR ((NEW.first_counted_fen IS NULL) <> (NEW.first_expected_fen IS NULL))
        OR ((NEW.counts = 0) <> (NEW.last_counted_fen IS NULL))
        OR ((NEW.last_counted_fen IS NULL) <> (NEW.last_expected_fen IS NULL))
      BEGIN SELECT RAISE(ABORT, 'the first count of a shift never changes, and counts only go up'); END;
      CREATE TRIGGER shifts_close_with_latest_count BEFORE UPDATE OF closed_at ON shifts
      WHEN OLD.closed_at IS NULL AND NEW.closed_at IS NOT NULL AND (NEW.counts < 1 OR NEW.counted_fen IS NOT NEW.last_counted_fen)
      BEGIN SELECT RAISE(ABORT, 'a shift closes with its latest recorded count'); END;
    `);
  },
};
