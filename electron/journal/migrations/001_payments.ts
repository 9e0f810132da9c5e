// Sales, their payment attempts and the append-only log of attempt state changes.
// Money is INTEGER fen (STRICT tables refuse anything else). Every sale and attempt carries the
// local business date and a nullable shift_id so per-shift / per-day totals are indexed queries.
import type { Migration } from '../migrate.js';

const STATES = `'created','pending','reversing','paid','declined','closed','refunded'`;

export const migration: Migration = {
  version: 1,
  name: 'payments',
  up(db) {
    db.exec(`
      CREATE TABLE sales (
        id INTEGER PRIMARY KEY,
        created_at TEXT NOT NULL,
        business_date TEXT NOT NULL CHECK (business_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
        shift_id INTEGER,
        terminal_id TEXT NOT NULL,
        amount_fen INTEGER NOT NULL CHECK (amount_fen BETWEEN 1 AND 10000000000),
        note TEXT
      ) STRICT;
      CREATE INDEX sales_shift ON sales (shift_id);
      CREATE INDEX sales_date ON sales (business_date);

      CREATE TABLE sale_lines (
        sale_id INTEGER NOT NULL REFERENCES sales (id),
        line_no INTEGER NOT NULL CHECK (line_no >= 1),
        name TEXT NOT NULL,
        barcode TEXT,
        qty INTEGER NOT NULL CHECK (qty >= 1),
        unit_fen INTEGER NOT NULL CHECK (unit_fen >= 0),
        PRIMARY KEY (sale_id, line_no)
      ) STRICT, WITHOUT ROWID;

      CREATE TABLE attempts (
        id INTEGER PRIMARY KEY,
        out_trade_no TEXT NOT NULL UNIQUE CHECK (length(out_trade_no) BETWEEN 1 AND 64),
        sale_id INTEGER NOT NULL REFERENCES sales (id),
        kind TEXT NOT NULL CHECK (kind IN ('scan','qr','cash')),
        channel TEXT NOT NULL CHECK (channel IN ('weixin','alipay','qq','jd','unionpay','cash')),
        method TEXT NOT NULL,
        amount_fen INTEGER NOT NULL CHECK (amount_fen BETWEEN 1 AND 10000000000),
        state TEXT NOT NULL CHECK (state IN (${STATES})),
        trade_no TEXT,
        masked_auth_code TEXT,
        qr_url TEXT,
        reason TEXT,
        reason_code TEXT,
        -- epoch ms after which the engine stops waiting for the customer and reverses
        deadline_at_ms INTEGER,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        final_at TEXT,
        business_date TEXT NOT NULL,
        shift_id INTEGER,
        terminal_id TEXT NOT NULL
      ) STRICT;
      CREATE INDEX attempts_sale ON attempts (sale_id);
      -- Recovery reads only the attempts that are not final: a partial index keeps that
      -- independent of the size of the journal.
      CREATE INDEX attempts_open ON attempts (id) WHERE state IN ('created','pending','reversing');
      -- Per-shift and per-day totals per channel: covering indexes, no table reads.
      CREATE INDEX attempts_shift_totals ON attempts (shift_id, state, channel, amount_fen);
      CREATE INDEX attempts_date_totals ON attempts (business_date, state, channel, amount_fen);
      CREATE INDEX attempts_created ON attempts (created_at);

      -- Forward-only states, enforced by the database too (the code asserts it first).
      CREATE TRIGGER attempts_state_forward BEFORE UPDATE OF state ON attempts
      WHEN NEW.state <> OLD.state AND NOT (
        (OLD.state = 'created' AND NEW.state IN ('pending','reversing','paid','declined','closed','refunded')) OR
        (OLD.state = 'pending' AND NEW.state IN ('reversing','paid','declined','closed','refunded')) OR
        (OLD.state = 'reversing' AND NEW.state IN ('closed','refunded','paid')) OR
        (OLD.state = 'paid' AND NEW.state = 'refunded'))
      BEGIN SELECT RAISE(ABORT, 'attempt state may only move forward'); END;
      CREATE TRIGGER attempts_fixed_fields BEFORE UPDATE OF out_trade_no, sale_id, kind, channel, method, amount_fen, created_at ON attempts
      WHEN NEW.out_trade_no IS NOT OLD.out_trade_no OR NEW.sale_id IS NOT OLD.sale_id OR NEW.kind IS NOT OLD.kind
        OR NEW.channel IS NOT OLD.channel OR NEW.method IS NOT OLD.method OR NEW.amount_fen IS NOT OLD.amount_fen
        OR NEW.created_at IS NOT OLD.created_at
      BEGIN SELECT RAISE(ABORT, 'an attempt''s identity and amount never change'); END;
      CREATE TRIGGER attempts_no_delete BEFORE DELETE ON attempts
      BEGIN SELECT RAISE(ABORT, 'attempts are never deleted'); END;
      CREATE TRIGGER sales_no_delete BEFORE DELETE ON sales
      BEGIN SELECT RAISE(ABORT, 'sales are never deleted'); END;

      CREATE TABLE attempt_transitions (
        id INTEGER PRIMARY KEY,
        attempt_id INTEGER NOT NULL REFERENCES attempts (id),
        at TEXT NOT NULL,
        from_state TEXT CHECK (from_state IS NULL OR from_state IN (${STATES})),
        to_state TEXT NOT NULL CHECK (to_state IN (${STATES})),
        -- what caused it: scan, query, reverse, callback, cancel, recover, cash …
        source TEXT NOT NULL,
        reason TEXT,
        reason_code TEXT
      ) STRICT;
      CREATE INDEX attempt_transitions_attempt ON attempt_transitions (attempt_id, id);
      CREATE TRIGGER attempt_transitions_append_only_u BEFORE UPDATE ON attempt_transitions
      BEGIN SELECT RAISE(ABORT, 'attempt_transitions is append-only'); END;
      CREATE TRIGGER attempt_transitions_append_only_d BEFORE DELETE ON attempt_transitions
      BEGIN SELECT RAISE(ABORT, 'attempt_transitions is append-only'); END;

      CREATE TABLE cash_tenders (
        attempt_id INTEGER PRIMARY KEY REFERENCES attempts (id),
        tendered_fen INTEGER NOT NULL CHECK (tendered_fen >= 0),
        change_fen INTEGER NOT NULL CHECK (change_fen >= 0)
      ) STRICT;
    `);
  },
};
