// The print-job journal (printer room, issue 7): every document is kept (as JSON, payer already
// masked) before a byte goes to the printer, so failed jobs are retried and any receipt reprinted.
// States move forward only (queued → printing → printed | failed; failed → printing on a retry).
import type { Migration } from '../migrate.js';

export const migration: Migration = {
  version: 51,
  name: 'print_jobs',
  up(db) {
    db.exec(`
      CREATE TABLE print_jobs (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('receipt','refund','report')),
        ref TEXT NOT NULL CHECK (length(ref) BETWEEN 1 AND 128),
        doc TEXT NOT NULL CHECK (json_valid(doc)),
        paper TEXT NOT NULL CHECK (paper IN ('58mm','80mm')),
        state TEXT NOT NULL CHECK (state IN ('queued','printing','printed','failed')),
        attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        error_code TEXT,
        error TEXT,
        reprint_of INTEGER REFERENCES print_jobs (id),
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        printed_at TEXT,
        CHECK ((state = 'printed') = (printed_at IS NOT NULL))
      ) STRICT;
      CREATE INDEX print_jobs_ref ON print_jobs (kind, ref, id);
      -- Retries read the jobs that did not print: a partial index keeps that small.
      CREATE INDEX print_jobs_open ON print_jobs (state, id) WHERE state <> 'printed';
      CREATE TRIGGER print_jobs_state_forward BEFORE UPDATE OF state ON print_jobs
      WHEN NEW.state <> OLD.state AND NOT (
        (OLD.state = 'queued' AND NEW.state IN ('printing','failed')) OR
        (OLD.state = 'printing' AND NEW.state IN ('printed','failed')) OR
        (OLD.state = 'failed' AND NEW.state = 'printing'))
      BEGIN SELECT RAISE(ABORT, 'print job state may only move forward'); END;
      CREATE TRIGGER print_jobs_fixed_doc BEFORE UPDATE OF kind, ref, doc, reprint_of, created_at ON print_jobs
      BEGIN SELECT RAISE(ABORT, 'a print job''s document never changes'); END;
      CREATE TRIGGER print_jobs_no_delete BEFORE DELETE ON print_jobs
      BEGIN SELECT RAISE(ABORT, 'print jobs are never deleted'); END;
    `);
  },
};
