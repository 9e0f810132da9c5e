// A reconciliation records how many gateway orders it did not ask because the gateway had already
// confirmed them (a verified callback or a final query, migration 007), so a 日结 that reuses a
// shift's reconciliation can say so too. Older rows: 0 (they asked every order).
import type { Migration } from '../migrate.js';

export const migration: Migration = {
  version: 53,
  name: 'reconciliation_confirmed',
  up(db) {
    db.exec(`ALTER TABLE reconciliations ADD COLUMN confirmed INTEGER NOT NULL DEFAULT 0 CHECK (confirmed >= 0)`);
  },
};
