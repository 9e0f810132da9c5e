// Cashiers, shifts, cash moves and reconciliations (shift room, issue 7).
// - A PIN is stored only as a salted scrypt hash (electron/shift/pin.ts); lockout counters live
//   here so a restart does not reset them.
// - One open shift per terminal (partial unique index). A closed shift never changes; cash moves
//   are append-only and only go into an open shift. Money is INTEGER fen.
// - A reconciliation records what the gateway said at the time (diffs as JSON) and up to which
//   attempt id it covered, so the day report can reuse the shifts' reconciliations.
import type { Migration } from '../migrate.js';

export const migration: Migration = {
  version: 50,
  name: 'shifts',
  up(db) {
    db.exec(`
      CREATE TABLE cashiers (
        id TEXT PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 32 AND id NOT GLOB '*[^A-Za-z0-9_]*'),
        name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 32),
        role TEXT NOT NULL CHECK (role IN ('cashier','manager')),
        pin_hash TEXT NOT NULL CHECK (pin_hash GLOB 'scrypt$*'),
        active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0,1)),
        failed_tries INTEGER NOT NULL DEFAULT 0 CHECK (failed_tries >= 0),
        locked_until_ms INTEGER,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;

      CREATE TABLE shifts (
        id INTEGER PRIMARY KEY,
        terminal_id TEXT NOT NULL,
        cashier_id TEXT NOT NULL REFERENCES cashiers (id),
        business_date TEXT NOT NULL CHECK (business_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
        opened_at TEXT NOT NULL,
        float_fen INTEGER NOT NULL CHECK (float_fen BETWEEN 0 AND 10000000000),
        closed_at TEXT,
        closed_by TEXT REFERENCES cashiers (id),
        expected_fen INTEGER,
        counted_fen INTEGER CHECK (counted_fen IS NULL OR counted_fen >= 0),
        variance_fen INTEGER,
        denominations TEXT,
        variance_reason TEXT,
        manager_approved INTEGER NOT NULL DEFAULT 0 CHECK (manager_approved IN (0,1)),
        report TEXT,
        CHECK ((closed_at IS NULL) = (counted_fen IS NULL)),
        CHECK ((closed_at IS NULL) = (report IS NULL)),
        CHECK (closed_at IS NULL OR variance_fen = counted_fen - expected_fen)
      ) STRICT;
      CREATE UNIQUE INDEX shifts_one_open ON shifts (terminal_id) WHERE closed_at IS NULL;
      CREATE INDEX shifts_date ON shifts (business_date, id);
      CREATE TRIGGER shifts_closed_fixed BEFORE UPDATE ON shifts WHEN OLD.closed_at IS NOT NULL
      BEGIN SELECT RAISE(ABORT, 'a closed shift never changes'); END;
      CREATE TRIGGER shifts_no_delete BEFORE DELETE ON shifts
      BEGIN SELECT RAISE(ABORT, 'shifts are never deleted'); END;

      CREATE TABLE cash_moves (
        id INTEGER PRIMARY KEY,
        shift_id INTEGER NOT NULL REFERENCES shifts (id),
        direction TEXT NOT NULL CHECK (direction IN ('in','out')),
        amount_fen INTEGER NOT NULL CHECK (amount_fen BETWEEN 1 AND 10000000000),
        reason TEXT NOT NULL CHECK (length(reason) BETWEEN 1 AND 100),
        cashier_id TEXT NOT NULL REFERENCES cashiers (id),
        at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX cash_moves_shift ON cash_moves (shift_id, direction, amount_fen);
      CREATE TRIGGER cash_moves_open_shift BEFORE INSERT ON cash_moves
      WHEN (SELECT closed_at FROM shifts WHERE id = NEW.shift_id) IS NOT NULL
      BEGIN SELECT RAISE(ABORT, 'cash moves only go into an open shift'); END;
      CREATE TRIGGER cash_moves_append_only_u BEFORE UPDATE ON cash_moves
      BEGIN SELECT RAISE(ABORT, 'cash_moves is append-only'); END;
      CREATE TRIGGER cash_moves_append_only_d BEFORE DELETE ON cash_moves
      BEGIN SELECT RAISE(ABORT, 'cash_moves is append-only'); END;

      CREATE TABLE reconciliations (
        id INTEGER PRIMARY KEY,
        scope TEXT NOT NULL CHECK (scope IN ('shift','day')),
        shift_id INTEGER REFERENCES shifts (id),
        business_date TEXT,
        at TEXT NOT NULL,
        -- the highest attempt id that existed when the orders were collected
        max_attempt_id INTEGER NOT NULL,
        checked INTEGER NOT NULL CHECK (checked >= 0),
        matches INTEGER NOT NULL CHECK (matches IN (0,1)),
        diffs TEXT NOT NULL,
        CHECK ((scope = 'shift') = (shift_id IS NOT NULL)),
        CHECK ((scope = 'day') = (business_date IS NOT NULL))
      ) STRICT;
      CREATE INDEX reconciliations_shift ON reconciliations (shift_id, id);
      CREATE TRIGGER reconciliations_append_only_u BEFORE UPDATE ON reconciliations
      BEGIN SELECT RAISE(ABORT, 'reconciliations is append-only'); END;
      CREATE TRIGGER reconciliations_append_only_d BEFORE DELETE ON reconciliations
      BEGIN SELECT RAISE(ABORT, 'reconciliations is append-only'); END;
    `);
  },
};
