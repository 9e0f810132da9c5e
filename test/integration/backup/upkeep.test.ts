// The wired till's upkeep through the one handler table: a verified backup after every shift
// close, a damaged journal at start (really truncated) that is kept, refuses payments and is
// restored from the latest backup at the next start; the log files hold no secret and no full
// payment code; the support bundle neither.
import { afterEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, statSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApp, type RunningApp } from '../../../electron/app/start.js';
import { FileSecretStore } from '../../../electron/settings/store.js';
import { dispatch } from '../../../electron/ipc/dispatch.js';
import { logFiles } from '../../../electron/log/file-log.js';
import { headOfficeProvider } from '../../../electron/backup/high-water.js';
import { call, ctx } from '../app/handlers.js';

const FAST = { queryIntervalMs: 100, payDeadlineMs: 3_000, requestTimeoutMs: 1_000, reconcileIntervalMs: 200, tickMs: 0 };
const apps: RunningApp[] = [];
const SECRET = 'Sup3rSecretGatewayKey';
const CODE = '134567890123456700';

async function start(dataDir: string, extra: Partial<Parameters<typeof startApp>[0]> = {}) {
  // No `log`: the till writes its own rotating, masked log files.
  const app = await startApp({ dataDir, shell: 'browser-host', version: '9.8.7', secrets: new FileSecretStore(join(dataDir, 's.txt')), sandboxTimeScale: 0.01, engineConfig: FAST, renderPdf: null, ...extra });
  apps.push(app);
  return app;
}
async function closeAll() {
  while (apps.length) await apps.pop()!.close();
}
afterEach(closeAll);
const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');
async function until<T>(fn: () => Promise<T> | T, ok: (v: T) => boolean): Promise<T> {
  for (let i = 0; i < 400; i++) {
    const v = await fn();
    if (ok(v)) return v;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('condition not reached');
}

async function sellAndClose(app: RunningApp) {
  await call(app, 'shift.addCashier', { id: 'c1', name: '小王', pin: '1357', managerPin: '0000' });
  await call(app, 'shift.signIn', { cashierId: 'c1', pin: '1357' });
  await call(app, 'shift.open', { floatFen: 10_000 });
  await call(app, 'checkout.scan', { amountFen: 1999, authCode: CODE });
  await call(app, 'checkout.cash', { amountFen: 1250, tenderedFen: 2000 });
  await call(app, 'shift.count', { countedFen: 11_250 });
  await call(app, 'shift.close', { countedFen: 11_250 });
}

describe('upkeep of the wired till', () => {
  it('backs the journal up after a shift close; a truncated journal is kept, refuses payments, and is restored from the latest backup', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'pos-upkeep-'));
    const app = await start(dataDir);
    const s0 = await call(app, 'system.status', {});
    expect(s0).toMatchObject({ version: '9.8.7', journal: { state: 'new' }, backup: { dir: join(dataDir, 'backups'), keep: 14 }, update: { state: 'off' } });
    expect(s0.versions).toMatchObject({ app: '9.8.7', node: process.versions.node });
    expect(s0.versions.sqlite).toMatch(/^3\.\d+/);
    await sellAndClose(app);
    // The close's backup (shift-close), plus the first daily one.
    const st = await until(() => call(app, 'system.status', {}), (s) => s.backup.latest?.reason === 'shift-close');
    const latest = st.backup.latest!;
    expect(latest.auditEntries).toBeGreaterThan(5);
    await closeAll();

    // The disk loses the second half of the journal.
    const journal = join(dataDir, 'journal.sqlite');
    truncateSync(journal, Math.floor(statSync(journal).size / 2));
    const damagedSha = sha(journal);
    const sick = await start(dataDir);
    const s1 = await call(sick, 'system.status', {});
    expect(s1.journal).toMatchObject({ state: 'damaged', kind: 'corrupt', path: journal });
    expect(s1.backup.latest?.file).toBe(latest.file);
    const scan = await dispatch(sick.handlers, 'checkout.scan', { amountFen: 100, authCode: CODE }, ctx);
    expect(scan).toMatchObject({ ok: false, error: { code: 'unavailable', message: expect.stringMatching(/^the journal is damaged \(corrupt: .*\); mobile payments and sales are refused until it is restored from a backup/) } });
    expect(await dispatch(sick.handlers, 'checkout.cash', { amountFen: 100, tenderedFen: 100 }, ctx)).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    expect(await call(sick, 'app.info', {})).toMatchObject({ version: '9.8.7', online: false });
    expect(sha(journal)).toBe(damagedSha);

    expect(await dispatch(sick.handlers, 'backup.restore', { managerPin: '1111' }, ctx)).toMatchObject({ ok: false, error: { code: 'pin_required' } });
    const r = await call(sick, 'backup.restore', { managerPin: '0000' });
    expect(r).toMatchObject({ file: latest.file, auditEntries: latest.auditEntries, restartNeeded: true, restarting: false });
    expect((await call(sick, 'system.status', {})).backup.pendingRestore).toBe(latest.file);
    await closeAll();

    const healed = await start(dataDir);
    const s2 = await call(healed, 'system.status', {});
    expect(s2.journal).toMatchObject({ state: 'ok', auditEntries: latest.auditEntries, restoredFrom: latest.file });
    const rows = await call(healed, 'orders.search', {});
    expect(rows.total).toBe(2);
    const kept = readdirSync(join(dataDir, 'replaced'));
    expect(kept.some((n) => sha(join(dataDir, 'replaced', n)) === damagedSha)).toBe(true);
  });

  it('a restore of a healthy till waits for 日结, and one older than the head office needs confirmOlder', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'pos-upkeep-'));
    const app = await start(dataDir, { highWater: headOfficeProvider(async (journalId) => ({ journalId, auditSeq: 1_000_000, at: '2026-01-01T00:00:00Z' })) });
    const b = await call(app, 'backup.now', { managerPin: '0000' });
    expect(b.reason).toBe('manual');
    await call(app, 'shift.addCashier', { id: 'c1', name: '小王', pin: '1357', managerPin: '0000' });
    await call(app, 'shift.signIn', { cashierId: 'c1', pin: '1357' });
    await call(app, 'shift.open', { floatFen: 0 });
    expect(await dispatch(app.handlers, 'backup.restore', { managerPin: '0000' }, ctx)).toMatchObject({ ok: false, error: { code: 'conflict', message: expect.stringMatching(/only after the shift is closed.*a shift is open/) } });
    await call(app, 'shift.count', { countedFen: 0 });
    await call(app, 'shift.close', { countedFen: 0 });
    const older = await dispatch(app.handlers, 'backup.restore', { managerPin: '0000', file: b.file }, ctx);
    expect(older).toMatchObject({ ok: false, error: { code: 'conflict', checkResult: 'older_than_head_office', message: expect.stringMatching(/older than what the head office holds/) } });
    expect(await call(app, 'backup.restore', { managerPin: '0000', file: b.file, confirmOlder: true })).toMatchObject({ file: b.file, headOfficeAuditEntries: 1_000_000 });
  });

  it('writes log files without the secret or a full payment code; the support bundle has none either', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'pos-upkeep-'));
    const app = await start(dataDir);
    // The secret is stored (as a save would), then the till logs a failure that carries it.
    new FileSecretStore(join(dataDir, 's.txt')).save(SECRET);
    app.runtime.bus.emit('settings.changed', { hasSecret: true });
    await call(app, 'checkout.scan', { amountFen: 1999, authCode: CODE });
    app.runtime.log(`gateway request body: {"auth_code":"${CODE}","key":"${SECRET}"} sign input ...&key=${SECRET}`);
    app.runtime.log(`a stack with the code ${CODE} and the secret ${SECRET} in it`);
    const files = logFiles(join(dataDir, 'logs'));
    expect(files.length).toBeGreaterThan(0);
    const text = files.map((f) => readFileSync(f, 'utf8')).join('\n');
    expect(text).toContain('1345**********6700');
    expect(text).not.toContain(CODE);
    expect(text).not.toContain(SECRET);

    const bundle = await call(app, 'support.export', { managerPin: '0000' });
    expect(bundle.fileName).toMatch(/^counter-pos-support-\d{8}T\d{9}Z\.tar\.gz$/);
    const out = mkdtempSync(join(tmpdir(), 'pos-bundle-'));
    execFileSync('tar', ['-xzf', bundle.path, '-C', out]);
    const root = join(out, readdirSync(out)[0]!);
    expect(readdirSync(root).sort()).toEqual(['journal.json', 'logs', 'settings.json', 'status.json', 'versions.json']);
    const journalCheck = JSON.parse(readFileSync(join(root, 'journal.json'), 'utf8')) as { full: { ok: boolean }; invariants: string[] };
    expect(journalCheck.full.ok).toBe(true);
    expect(journalCheck.invariants).toEqual([]);
    const all = execFileSync('grep', ['-r', '-c', '', root]).toString();
    expect(all).toContain('logs/till.log');
    for (const needle of [CODE, SECRET]) {
      expect(() => execFileSync('grep', ['-r', '-l', needle, root])).toThrow();
    }
  });
});
