// Withdrawals the manager asked for: written before the request leaves, so a lost answer leaves a
// number to query instead of a second withdrawal. States only move forward.
import type { Migration } from '../migrate.js';

export const migration: Migration = {
  version: 4,
  name: 'withdrawals',
  up(db) {
    db.exec(`
      CREATE TABLE withdrawals (
        out_trade_no TEXT PRIMARY KEY CHECK (length(out_trade_no) BETWEEN 1 AND 64 AND out_trade_no NOT GLOB '*[^A-Za-z0-9_]*'),
        via TEXT NOT NULL CHECK (via IN ('merchant', 'unionpay')),
        amount_fen INTEGER NOT NULL CHECK (amount_fen BETWEEN 1 AND 10000000000),
        -- requested: sent, no answer yet; processing: accepted; paid / failed: the bank's result;
        -- refused: the gateway said no (nothing moved).
        state TEXT NOT NULL CHECK (state IN ('requested', 'processing', 'paid', 'failed', 'refused')),
        trade_no TEXT,
        fee_fen INTEGER CHECK (fee_fen IS NULL OR fee_fen >= 0),
        reason TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX withdrawals_open ON withdrawals (state) WHERE state = 'requested';
      CREATE TRIGGER withdrawals_forward BEFORE UPDATE OF state ON withdrawals
      WHEN NOT (
        NEW.state = OLD.state
        OR (OLD.state = 'requested' AND NEW.state IN ('processing', 'paid', 'failed', 'refused'))
        OR (OLD.state = 'processing' AND NEW.state IN ('paid', 'failed'))
      )
      BEGIN SELECT RAISE(ABORT, 'withdrawal states only move forward'); END;
      CREATE TRIGGER withdrawals_fixed BEFORE UPDATE OF out_trade_no, via, amount_fen, created_at ON withdrawals
      BEGIN SELECT RAISE(ABORT, 'a withdrawal''s number, route and amount never change'); END;
    `);
  },
};
