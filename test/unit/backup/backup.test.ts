// Backups of a real journal file: online copy while the till writes, full verification, the
// manifest, rotation to the named count, and a copy that does not verify never counting nor
// pushing a good one out.
import { afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { BackupService, listBackups, sha256File } from '../../../electron/backup/backup.js';
import { inspectJournalFile } from '../../../electron/backup/inspect.js';
import { manualClock, openTemp, tempDir } from '../journal/helpers.js';

const dirs: { cleanup(): void }[] = [];
afterEach(() => {
  while (dirs.length) dirs.pop()!.cleanup();
});

function setup(keep = 3) {
  const t = tempDir('pos-backup-');
  dirs.push(t);
  const clock = manualClock();
  const journal = openTemp(t.dir, 'journal.sqlite', { now: clock.now });
  const logs: string[] = [];
  const backups = new BackupService({ db: journal.db, dir: () => join(t.dir, 'usb'), keep: () => keep, appVersion: '1.2.3', now: clock.now, log: (l) => logs.push(l) });
  return { dir: t.dir, journal, backups, clock, logs };
}

function fill(journal: ReturnType<typeof openTemp>, n: number, tag = 'x') {
  for (let i = 0; i < n; i++) journal.note('test.entry', `s:${tag}${i}`, { i, pad: 'p'.repeat(200) });
}

describe('journal backups', () => {
  it('copies the journal online, verifies the copy fully and describes it in a manifest', async () => {
    const { journal, backups, dir } = setup();
    fill(journal, 300);
    const m = await backups.backupNow('shift-close');
    const file = join(dir, 'usb', m.file);
    expect(m.file).toMatch(/^journal-abcd1234-\d{8}T\d{9}Z-shift-close\.sqlite$/);
    expect(m).toMatchObject({ journalId: 'abcd1234', reason: 'shift-close', auditSeq: 300, appVersion: '1.2.3', sizeBytes: statSync(file).size });
    expect(m.sha256).toBe(await sha256File(file));
    // A standalone file (no WAL beside it), that verifies on its own, read-only.
    expect(existsSync(`${file}-wal`)).toBe(false);
    const again = inspectJournalFile(file, { check: 'full', audit: 'full' });
    expect(again).toMatchObject({ ok: true, auditSeq: 300, auditHash: journal.audit.entries().at(-1)!.hash });
    const copy = new Database(file, { readonly: true });
    expect(copy.pragma('journal_mode', { simple: true })).toBe('delete');
    copy.close();
    journal.close();
  });

  it('keeps copying while the till writes between steps (online backup)', async () => {
    const { journal, backups } = setup();
    fill(journal, 3000);
    const running = backups.backupNow('manual');
    // Writes land while the copy runs; the copy is consistent at some point, the journal goes on.
    fill(journal, 50, 'during');
    const m = await running;
    expect(m.auditSeq).toBeGreaterThanOrEqual(3000);
    expect(journal.verifyAudit()).toMatchObject({ ok: true, entries: 3050 });
    journal.close();
  });

  it('rotates to the named count, newest kept; a second request while one runs shares it', async () => {
    const { journal, backups, clock, dir } = setup(3);
    const made: string[] = [];
    for (let i = 0; i < 5; i++) {
      fill(journal, 5, `r${i}`);
      clock.advance(60_000);
      const [a, b] = await Promise.all([backups.backupNow('daily'), backups.backupNow('manual')]);
      expect(b.file).toBe(a.file);
      made.push(a.file);
    }
    const kept = listBackups(join(dir, 'usb')).map((m) => m.file);
    expect(kept).toEqual(made.slice(2).reverse());
    expect(readdirSync(join(dir, 'usb')).sort()).toEqual(kept.flatMap((f) => [f, `${f}.json`]).sort());
    expect(backups.status()).toMatchObject({ count: 3, keep: 3, latest: { file: made[4], auditSeq: 25 }, lastError: null });
    journal.close();
  });

  it('a copy that does not verify is removed, reported, and pushes no good backup out', async () => {
    const { journal, backups, dir, clock } = setup(2);
    fill(journal, 10);
    const good1 = await backups.backupNow('daily');
    clock.advance(1000);
    const good2 = await backups.backupNow('daily');
    // Someone edits an audit entry behind the till's back (the append-only trigger dropped first).
    journal.db.exec('DROP TRIGGER audit_log_append_only_u');
    journal.db.prepare(`UPDATE audit_log SET data = '{"i":99}' WHERE seq = 4`).run();
    clock.advance(1000);
    await expect(backups.backupNow('shift-close')).rejects.toThrow(/did not verify \(audit_broken: audit entry 4 was changed after it was written\)/);
    expect(listBackups(join(dir, 'usb')).map((m) => m.file)).toEqual([good2.file, good1.file]);
    expect(readdirSync(join(dir, 'usb')).filter((n) => n.endsWith('.partial'))).toEqual([]);
    expect(backups.status().lastError?.message).toMatch(/backup \(shift-close\) to .*usb failed/);
    journal.close();
  });

  it('the daily backup runs once per local date', async () => {
    const { journal, backups, clock } = setup(5);
    fill(journal, 3);
    expect(await backups.dailyIfDue()).not.toBeNull();
    clock.advance(60 * 60_000);
    expect(await backups.dailyIfDue()).toBeNull();
    clock.advance(24 * 60 * 60_000);
    expect((await backups.dailyIfDue())?.reason).toBe('daily');
    expect(backups.list()).toHaveLength(2);
    journal.close();
  });

  it('a folder that cannot be written is reported with the folder named', async () => {
    const t = tempDir('pos-backup-');
    dirs.push(t);
    const journal = openTemp(t.dir, 'journal.sqlite');
    fill(journal, 2);
    const notADir = join(t.dir, 'file-not-dir');
    (await import('node:fs')).writeFileSync(notADir, 'x');
    const backups = new BackupService({ db: journal.db, dir: () => join(notADir, 'sub'), keep: () => 3, appVersion: '1' });
    await expect(backups.backupNow('manual')).rejects.toThrow(/file-not-dir\/sub failed/);
    journal.close();
  });
});
