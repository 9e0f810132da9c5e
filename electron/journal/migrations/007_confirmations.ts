// Which final orders the gateway has already vouched for, so a shift close does not ask again:
// a verified callback that agrees (confirmed_by 'callback'), a trade.query that answered the final
// state (query), or a reconciliation that matched (reconcile). Any later change of the order —
// a state move, a refund — takes the confirmation away (triggers), so only an order untouched
// since the gateway confirmed it is skipped. Partial indexes list what still needs asking.
import type { Migration } from '../migrate.js';

export const migration: Migration = {
  version: 7,
  name: 'confirmations',
  up(db) {
    db.exec(`
      ALTER TABLE attempts ADD COLUMN confirmed_by TEXT CHECK (confirmed_by IS NULL OR confirmed_by IN ('callback', 'query', 'reconcile'));
      ALTER TABLE attempts ADD COLUMN confirmed_at TEXT CHECK ((confirmed_at IS NULL) = (confirmed_by IS NULL));
      CREATE TRIGGER attempts_confirmed_final BEFORE UPDATE OF confirmed_by ON attempts
      WHEN NEW.confirmed_by IS NOT NULL AND NEW.state NOT IN ('paid', 'declined', 'closed', 'refunded')
      BEGIN SELECT RAISE(ABORT, 'only a final order can be confirmed by the gateway'); END;
      CREATE TRIGGER attempts_unconfirm_on_state AFTER UPDATE OF state ON attempts
      WHEN NEW.state <> OLD.state AND OLD.confirmed_by IS NOT NULL
      BEGIN UPDATE attempts SET confirmed_by = NULL, confirmed_at = NULL WHERE id = NEW.id; END;
      CREATE TRIGGER refunds_unconfirm_attempt AFTER INSERT ON refunds
      BEGIN UPDATE attempts SET confirmed_by = NULL, confirmed_at = NULL WHERE id = NEW.attempt_id AND confirmed_by IS NOT NULL; END;
      CREATE INDEX attempts_unconfirmed_shift ON attempts (shift_id, id) WHERE confirmed_by IS NULL AND channel <> 'cash';
      CREATE INDEX attempts_unconfirmed_date ON attempts (business_date, id) WHERE confirmed_by IS NULL AND channel <> 'cash';
    `);
  },
};
