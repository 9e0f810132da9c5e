// 012_held_sales: held sales keep valid JSON drafts; goods settings are JSON values.
import { afterAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { migrate } from '../../../../electron/journal/migrate.js';
import { migration } from '../../../../electron/journal/migrations/012_held_sales.js';
import { tempDir } from '../helpers.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

describe('migration 012_held_sales', () => {
  it('refuses a draft or setting that is not JSON', () => {
    const db = new Database(join(tmp.dir, 'h.db'));
    migrate(db, [migration], () => 'x');
    const ins = db.prepare(`INSERT INTO held_sales (held_at, label, lines, total_fen, draft) VALUES ('x', ?, 1, 100, ?)`);
    ins.run('a', '{"lines":[]}');
    expect(() => ins.run('b', '{lines')).toThrow(/CHECK/);
    expect(() => ins.run('x'.repeat(33), '{}')).toThrow(/CHECK/);
    db.exec(`INSERT INTO goods_settings (key, value) VALUES ('rounding', '"jiao"')`);
    expect(() => db.exec(`INSERT INTO goods_settings (key, value) VALUES ('r2', 'jiao')`)).toThrow(/CHECK/);
    db.close();
  });
});
