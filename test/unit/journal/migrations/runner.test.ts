// The runner: applies what is missing in order, each in its own transaction; tolerates another
// room's higher numbers landing first; refuses a database from a newer build, changing nothing.
import { afterAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { copyFileSync } from 'node:fs';
import { migrate, JournalVersionError, type Migration } from '../../../../electron/journal/migrate.js';
import { MIGRATIONS } from '../../../../electron/journal/migrations/index.js';
import { Journal } from '../../../../electron/journal/journal.js';
import { tempDir } from '../helpers.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());
const now = () => '2025-06-01T00:00:00.000Z';
const table = (name: string, version: number): Migration => ({ version, name, up: (db) => db.exec(`CREATE TABLE ${name} (x INTEGER) STRICT`) });

describe('migrate', () => {
  it('applies missing migrations in order, records each, sets user_version', () => {
    const db = new Database(join(tmp.dir, 'a.db'));
    const r = migrate(db, [table('t1', 1), table('t2', 2)], now);
    expect(r.applied.map((m) => m.version)).toEqual([1, 2]);
    expect(db.pragma('user_version', { simple: true })).toBe(2);
    expect(migrate(db, [table('t1', 1), table('t2', 2)], now).applied).toEqual([]);
    db.close();
  });

  it('applies a lower number added later even when a higher (other room) one is there', () => {
    const db = new Database(join(tmp.dir, 'b.db'));
    migrate(db, [table('t1', 1), table('shift_x', 50)], now);
    const r = migrate(db, [table('t1', 1), table('t4', 4), table('shift_x', 50)], now);
    expect(r.applied.map((m) => m.version)).toEqual([4]);
    expect(db.prepare(`SELECT name FROM sqlite_master WHERE name = 't4'`).get()).toBeTruthy();
    db.close();
  });

  it('refuses a database written by a newer build, with a clear message, and changes nothing', () => {
    const path = join(tmp.dir, 'c.db');
    const db = new Database(path);
    migrate(db, [table('t1', 1), table('t2', 2), table('t3', 3)], now);
    db.close();
    const copy = join(tmp.dir, 'c-copy.db');
    copyFileSync(path, copy);
    const old = new Database(path);
    expect(() => migrate(old, [table('t1', 1), table('t2', 2)], now)).toThrow(JournalVersionError);
    expect(() => migrate(old, [table('t1', 1), table('t2', 2)], now)).toThrow(/newer version of the app \(it has migration 003_t3; this version knows migrations up to 002\)/);
    expect(old.prepare('SELECT COUNT(*) AS n FROM schema_migrations').get()).toEqual({ n: 3 });
    old.close();
  });

  it('refuses a database whose migration of the same number has another name', () => {
    const db = new Database(join(tmp.dir, 'd.db'));
    migrate(db, [table('t1', 1)], now);
    expect(() => migrate(db, [table('other', 1)], now)).toThrow(/belongs to another build/);
    db.close();
  });

  it('rolls a failing migration back whole and applies nothing after it', () => {
    const db = new Database(join(tmp.dir, 'e.db'));
    const bad: Migration = { version: 2, name: 'bad', up: (d) => { d.exec('CREATE TABLE half (x INTEGER)'); throw new Error('boom'); } };
    expect(() => migrate(db, [table('t1', 1), bad, table('t3', 3)], now)).toThrow('boom');
    expect(db.prepare(`SELECT name FROM sqlite_master WHERE name IN ('half','t3')`).all()).toEqual([]);
    expect(db.prepare('SELECT version FROM schema_migrations').all()).toEqual([{ version: 1 }]);
    db.close();
  });

  it('refuses a malformed list', () => {
    const db = new Database(':memory:');
    expect(() => migrate(db, [table('t2', 2), table('t1', 1)], now)).toThrow(/unique and ascending/);
    expect(() => migrate(db, [table('Bad-Name', 1)], now)).toThrow(/snake_case/);
    db.close();
  });

  it('Journal.open refuses a newer journal and leaves the file as it was', () => {
    const path = join(tmp.dir, 'j.db');
    const extra: Migration = table('from_the_future', 99);
    Journal.open({ path, terminalId: 'T01', migrations: [...MIGRATIONS, extra] }).close();
    expect(() => Journal.open({ path, terminalId: 'T01' })).toThrow(/written by a newer version of the app \(it has migration 099_from_the_future/);
    const j = Journal.open({ path, terminalId: 'T01', migrations: [...MIGRATIONS, extra] });
    expect(j.checkInvariants()).toEqual([]);
    j.close();
  });
});
