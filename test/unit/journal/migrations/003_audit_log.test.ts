// 003_audit_log: the audit log refuses edits and deletions; journal_meta exists.
import { afterAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { migrate } from '../../../../electron/journal/migrate.js';
import { migration } from '../../../../electron/journal/migrations/003_audit_log.js';
import { tempDir } from '../helpers.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

describe('migration 003_audit_log', () => {
  it('creates an append-only audit log with 64-hex hashes', () => {
    const db = new Database(join(tmp.dir, 'a.db'));
    migrate(db, [migration], () => 'x');
    const h = 'a'.repeat(64);
    db.prepare(`INSERT INTO audit_log (seq, at, kind, subject, data, prev_hash, hash) VALUES (1, 'x', 'k', 's', '{}', ?, ?)`).run(h, h);
    expect(() => db.exec(`UPDATE audit_log SET data = '[]'`)).toThrow(/append-only/);
    expect(() => db.exec(`DELETE FROM audit_log`)).toThrow(/append-only/);
    expect(() => db.prepare(`INSERT INTO audit_log (seq, at, kind, subject, data, prev_hash, hash) VALUES (2, 'x', 'k', 's', '{}', 'short', ?)`).run(h)).toThrow(/CHECK/);
    db.prepare(`INSERT INTO journal_meta (key, value) VALUES ('journal_id', 'abc')`).run();
    db.close();
  });
});
