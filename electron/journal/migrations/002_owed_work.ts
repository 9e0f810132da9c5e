// Refunds, reversals and the outbox of work still owed to the gateway.
// The outbox has one open row per attempt that is not final and per refund that has no answer
// yet; recovery at start reads only the open rows (partial index), whatever the journal's size.
import type { Migration } from '../migrate.js';

export const migration: Migration = {
  version: 2,
  name: 'owed_work',
  up(db) {
    db.exec(`
      CREATE TABLE refunds (
        id INTEGER PRIMARY KEY,
        out_refund_no TEXT NOT NULL UNIQUE CHECK (length(out_refund_no) BETWEEN 1 AND 64),
        attempt_id INTEGER NOT NULL REFERENCES attempts (id),
        -- copied from the attempt (never changes) so per-channel refund totals need no join
        channel TEXT NOT NULL,
        amount_fen INTEGER NOT NULL CHECK (amount_fen BETWEEN 1 AND 10000000000),
        state TEXT NOT NULL CHECK (state IN ('created','processing','succeeded','failed')),
        reason TEXT,
        answer TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        business_date TEXT NOT NULL,
        shift_id INTEGER,
        terminal_id TEXT NOT NULL
      ) STRICT;
      CREATE INDEX refunds_attempt ON refunds (attempt_id);
      CREATE INDEX refunds_shift_totals ON refunds (shift_id, state, channel, amount_fen);
      CREATE INDEX refunds_date_totals ON refunds (business_date, state, channel, amount_fen);
      CREATE TRIGGER refunds_state_forward BEFORE UPDATE OF state ON refunds
      WHEN NEW.state <> OLD.state AND NOT (
        (OLD.state = 'created' AND NEW.state IN ('processing','succeeded','failed')) OR
        (OLD.state = 'processing' AND NEW.state IN ('succeeded','failed')))
      BEGIN SELECT RAISE(ABORT, 'refund state may only move forward'); END;
      CREATE TRIGGER refunds_fixed_fields BEFORE UPDATE OF out_refund_no, attempt_id, channel, amount_fen ON refunds
      WHEN NEW.out_refund_no IS NOT OLD.out_refund_no OR NEW.attempt_id IS NOT OLD.attempt_id
        OR NEW.channel IS NOT OLD.channel OR NEW.amount_fen IS NOT OLD.amount_fen
      BEGIN SELECT RAISE(ABORT, 'a refund''s identity and amount never change'); END;

      -- One row per attempt on which trade.reverse was decided; result once answered.
      CREATE TABLE reversals (
        attempt_id INTEGER PRIMARY KEY REFERENCES attempts (id),
        requested_at TEXT NOT NULL,
        why TEXT NOT NULL CHECK (why IN ('deadline','cancel','manager','unclear')),
        tries INTEGER NOT NULL DEFAULT 0,
        answered_at TEXT,
        result TEXT CHECK (result IS NULL OR result IN ('closed','refunded','paid'))
      ) STRICT;

      CREATE TABLE outbox (
        id INTEGER PRIMARY KEY,
        subject TEXT NOT NULL CHECK (subject IN ('attempt','refund')),
        ref TEXT NOT NULL,
        action TEXT NOT NULL CHECK (action IN ('settle','reverse','refund')),
        due_at_ms INTEGER NOT NULL,
        tries INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        opened_at TEXT NOT NULL,
        closed_at TEXT
      ) STRICT;
      CREATE UNIQUE INDEX outbox_one_open ON outbox (subject, ref) WHERE closed_at IS NULL;
      CREATE INDEX outbox_due ON outbox (due_at_ms) WHERE closed_at IS NULL;
    `);
  },
};
