// The journal's health at start against real damaged files (truncated, bytes overwritten, gone,
// swapped for an older copy or another till's), and restores: refused when older than what the
// head office holds unless confirmed, staged, applied at start with the replaced file kept.
import { afterEach, describe, expect, it } from 'vitest';
import { copyFileSync, existsSync, readFileSync, readdirSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { BackupService } from '../../../electron/backup/backup.js';
import { checkJournalAtStart, readKnownState, knownStateOf, recordKnownState } from '../../../electron/backup/health.js';
import { planRestore, stageRestore, RestoreRefused, applyRestore } from '../../../electron/backup/restore.js';
import { headOfficeProvider, NO_HEAD_OFFICE } from '../../../electron/backup/high-water.js';
import { Journal } from '../../../electron/journal/journal.js';
import { openTemp, tempDir } from '../journal/helpers.js';

const dirs: { cleanup(): void }[] = [];
afterEach(() => {
  while (dirs.length) dirs.pop()!.cleanup();
});

const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');

/** A till's data folder with a journal of `n` entries, closed, its state known to the till. */
function till(n = 2000) {
  const t = tempDir('pos-health-');
  dirs.push(t);
  const path = join(t.dir, 'journal.sqlite');
  const j = openTemp(t.dir, 'journal.sqlite');
  for (let i = 0; i < n; i++) j.note('test.entry', `s${i}`, { i, pad: 'p'.repeat(300) });
  recordKnownState(t.dir, knownStateOf(j.db, '2026-01-01T00:00:00.000Z'));
  j.close();
  return { dir: t.dir, path };
}

async function backupOf(dir: string, path: string, extra = 0) {
  const j = Journal.open({ path, terminalId: 'T01' });
  for (let i = 0; i < extra; i++) j.note('test.more', `m${i}`, { i });
  const b = new BackupService({ db: j.db, dir: () => join(dir, 'backups'), keep: () => 10, appVersion: '1' });
  const m = await b.backupNow('manual');
  recordKnownState(dir, knownStateOf(j.db, new Date().toISOString()));
  j.close();
  return { ...m, path: join(dir, 'backups', m.file) };
}

describe('journal health at start', () => {
  it('a new till and a healthy journal start normally; the known state is recorded', async () => {
    const t = tempDir('pos-health-');
    dirs.push(t);
    expect(await checkJournalAtStart({ dataDir: t.dir, journalPath: join(t.dir, 'journal.sqlite') })).toMatchObject({ state: 'new' });
    const { dir, path } = till(10);
    const h = await checkJournalAtStart({ dataDir: dir, journalPath: path });
    expect(h).toMatchObject({ state: 'ok', facts: { journalId: 'abcd1234', auditSeq: 10 } });
    expect(readKnownState(dir)).toMatchObject({ journalId: 'abcd1234', auditSeq: 10 });
  });

  it('a truncated file is damaged and left exactly as it was', async () => {
    const { dir, path } = till();
    truncateSync(path, Math.floor(statSync(path).size / 2));
    const before = sha(path);
    const logs: string[] = [];
    const h = await checkJournalAtStart({ dataDir: dir, journalPath: path, log: (l) => logs.push(l) });
    expect(h).toMatchObject({ state: 'damaged', kind: 'corrupt', path });
    if (h.state === 'damaged') expect(h.detail).toMatch(/malformed|quick_check/);
    expect(sha(path)).toBe(before);
    expect(logs.join('\n')).toMatch(/DAMAGED .*kept as it is; mobile payments are refused/);
  });

  it('bytes overwritten inside the file are found by quick_check', async () => {
    const { dir, path } = till();
    const b = readFileSync(path);
    b.fill(0xa5, 4096 * 3, 4096 * 3 + 2000);
    writeFileSync(path, b);
    expect(await checkJournalAtStart({ dataDir: dir, journalPath: path })).toMatchObject({ state: 'damaged', kind: 'corrupt' });
  });

  it('a file cut to a few bytes, an emptied file and a missing file are damaged when the till had a journal', async () => {
    const a = till(5);
    truncateSync(a.path, 40);
    expect(await checkJournalAtStart({ dataDir: a.dir, journalPath: a.path })).toMatchObject({ state: 'damaged', kind: 'not_sqlite' });
    const b = till(5);
    truncateSync(b.path, 0);
    expect(await checkJournalAtStart({ dataDir: b.dir, journalPath: b.path })).toMatchObject({ state: 'damaged', kind: 'not_sqlite' });
    expect(statSync(b.path).size).toBe(0);
    const c = till(5);
    rmSync(c.path);
    const h = await checkJournalAtStart({ dataDir: c.dir, journalPath: c.path });
    expect(h).toMatchObject({ state: 'damaged', kind: 'missing' });
    expect(existsSync(c.path)).toBe(false);
  });

  it('an audit entry changed behind the till breaks the chain tail', async () => {
    const { dir, path } = till(20);
    const j = Journal.open({ path, terminalId: 'T01' });
    j.db.exec('DROP TRIGGER audit_log_append_only_u');
    j.db.prepare(`UPDATE audit_log SET subject = 'x' WHERE seq = 19`).run();
    j.close();
    expect(await checkJournalAtStart({ dataDir: dir, journalPath: path })).toMatchObject({ state: 'damaged', kind: 'audit_broken', detail: 'audit entry 19 was changed after it was written' });
  });

  it('an older copy put in place, or another journal, is not taken for this till’s journal', async () => {
    const { dir, path } = till(10);
    const old = join(dir, 'old.sqlite');
    copyFileSync(path, old);
    const j = Journal.open({ path, terminalId: 'T01' });
    j.note('later', 's', {});
    recordKnownState(dir, knownStateOf(j.db, '2026-01-02T00:00:00.000Z'));
    j.close();
    copyFileSync(old, path);
    expect(await checkJournalAtStart({ dataDir: dir, journalPath: path })).toMatchObject({ state: 'damaged', kind: 'rolled_back' });
    const other = tempDir('pos-other-');
    dirs.push(other);
    const o = openTemp(other.dir, 'journal.sqlite', { journalId: 'zzzz9999' });
    o.note('k', 's', {});
    o.close();
    copyFileSync(join(other.dir, 'journal.sqlite'), path);
    expect(await checkJournalAtStart({ dataDir: dir, journalPath: path })).toMatchObject({ state: 'damaged', kind: 'replaced' });
  });
});

describe('restore', () => {
  it('refuses a backup older than what the head office holds, unless a manager confirms', async () => {
    const { dir, path } = till(10);
    const m = await backupOf(dir, path);
    const ho = headOfficeProvider(async (id) => (id === 'abcd1234' ? { journalId: id, auditSeq: 15, at: '2026-01-03T00:00:00Z' } : null));
    const err = await planRestore(m.path, ho, false).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RestoreRefused);
    expect((err as RestoreRefused).refusal).toEqual({ code: 'older_than_head_office', backupAuditSeq: 10, headOfficeAuditSeq: 15, headOfficeAt: '2026-01-03T00:00:00Z' });
    expect((err as Error).message).toMatch(/older than what the head office holds \(it has 10 journal entries, the head office 15\).*A manager must confirm/);
    const plan = await planRestore(m.path, ho, true);
    expect(plan).toMatchObject({ confirmedOlder: true, headOffice: { kind: 'head-office', auditSeq: 15 } });
    // Not older: no confirmation needed; no head office: nothing refused on its account.
    expect(await planRestore(m.path, headOfficeProvider(async () => ({ journalId: 'abcd1234', auditSeq: 10, at: null })), false)).toMatchObject({ confirmedOlder: false });
    expect(await planRestore(m.path, NO_HEAD_OFFICE, false)).toMatchObject({ headOffice: { kind: 'none', auditSeq: null } });
  });

  it('refuses a backup that does not verify', async () => {
    const { dir, path } = till(10);
    const m = await backupOf(dir, path);
    truncateSync(m.path, 3000);
    await expect(planRestore(m.path, NO_HEAD_OFFICE, false)).rejects.toMatchObject({ refusal: { code: 'backup_bad' } });
  });

  it('a staged restore is applied at the next start: a damaged journal is replaced by the backup and kept aside', async () => {
    const { dir, path } = till(50);
    const m = await backupOf(dir, path, 5);
    truncateSync(path, 5000);
    const damagedSha = sha(path);
    expect(await checkJournalAtStart({ dataDir: dir, journalPath: path })).toMatchObject({ state: 'damaged' });
    stageRestore(dir, await planRestore(m.path, NO_HEAD_OFFICE, false), '2026-01-04T00:00:00Z');
    const h = await checkJournalAtStart({ dataDir: dir, journalPath: path });
    expect(h).toMatchObject({ state: 'ok', facts: { auditSeq: 55 } });
    if (h.state !== 'ok') throw new Error('not ok');
    expect(h.restored!.keptAs).toMatch(/replaced\/journal\.sqlite\./);
    expect(sha(h.restored!.keptAs!)).toBe(damagedSha);
    expect(existsSync(join(dir, 'restore-pending.json'))).toBe(false);
    // The restored journal opens and goes on.
    const j = Journal.open({ path, terminalId: 'T01' });
    expect(j.verifyAudit()).toMatchObject({ ok: true, entries: 55 });
    j.close();
  });

  it('a backup changed after it was chosen is not restored; the journal stays as it was', async () => {
    const { dir, path } = till(10);
    const m = await backupOf(dir, path);
    const plan = await planRestore(m.path, NO_HEAD_OFFICE, false);
    const before = sha(path);
    writeFileSync(m.path, Buffer.concat([readFileSync(m.path), Buffer.from('x')]));
    await expect(applyRestore(path, dir, plan, 'stamp')).rejects.toThrow(/changed since it was chosen/);
    expect(sha(path)).toBe(before);
    expect(existsSync(join(dir, 'replaced'))).toBe(false);
    stageRestore(dir, plan, 'now');
    const h = await checkJournalAtStart({ dataDir: dir, journalPath: path });
    expect(h).toMatchObject({ state: 'ok', restoreRefused: expect.stringMatching(/changed since it was chosen/) });
    expect(readdirSync(dir)).not.toContain('restore-pending.json');
  });
});
