// The blind counts of a close (migration 052): the FIRST count is kept on the shift row with the
// number of counts, shown on the Z report, and its variance needs the manager even when a recount
// matches; shift.close takes only the latest count recorded by shift.count and its refusal names
// no amount; the upgrade from a journal made by the previous migrations keeps what the audit log
// already knew. Real journal files in a temp dir, the real manager PIN.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PosError } from '../../../shared/ipc/errors.js';
import { Journal } from '../../../electron/journal/journal.js';
import { MIGRATIONS } from '../../../electron/journal/migrations/index.js';
import { ManagerPin } from '../../../electron/app/manager-pin.js';
import { ShiftService } from '../../../electron/shift/service.js';
import { hashPin } from '../../../electron/shift/pin.js';
import { normalizeDoc, renderDoc } from '../../../electron/printer/documents.js';
import { decodeToPrinted } from '../../../electron/printer/decode.js';
import { renderReportHtml, reportToCsv } from '../../../electron/shift/export.js';
import { MANAGER_PIN, order, rig } from './helpers.js';

let r: ReturnType<typeof rig> | null = null;
afterEach(() => {
  r?.close();
  r = null;
});

async function openShift(floatFen = 10_000) {
  r = rig({ varianceThresholdFen: () => 1_000 });
  await r.shifts.addCashier({ id: 'C07', name: '王小明', pin: '2468' }, MANAGER_PIN);
  await r.shifts.signIn('C07', '2468');
  const { shiftId } = r.shifts.open(floatFen);
  order(r.journal, { channel: 'cash', amountFen: 1_250, shiftId }); // expected 112.50
  return { r, shiftId };
}

/** The error a call throws (PosError), or fails the test. */
async function refusal(p: Promise<unknown>): Promise<PosError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof PosError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

describe('the first count of a close stays', () => {
  it('count short, see it, recount to match: the first count is kept, the manager must approve, the Z report shows both', async () => {
    const { r, shiftId } = await openShift();
    const first = r.shifts.reviewCount({ countedFen: 10_000, denominations: { '100': 1 } });
    expect(first).toMatchObject({ expectedFen: 11_250, varianceFen: -1_250, needsApproval: true, counts: 1, firstCountedFen: 10_000, firstVarianceFen: -1_250 });
    const second = r.shifts.reviewCount({ countedFen: 11_250 });
    // The recount matches, but the first count's variance was over the threshold: still approval.
    expect(second).toMatchObject({ varianceFen: 0, needsApproval: true, counts: 2, firstCountedFen: 10_000, firstVarianceFen: -1_250 });
    // Told again unchanged (after "query now"): not a new count.
    expect(r.shifts.reviewCount({ countedFen: 11_250 })).toMatchObject({ counts: 2 });
    expect(r.shifts.store.shift(shiftId)).toMatchObject({ counts: 2, firstCountedFen: 10_000, firstExpectedFen: 11_250, lastCountedFen: 11_250, lastExpectedFen: 11_250, lastDenominations: null });

    // The close asks the manager, naming the first count's variance (told already by shift.count).
    let e = await refusal(r.shifts.close({ countedFen: 11_250 }));
    expect(e).toMatchObject({ code: 'invalid_payload', extra: { issues: [{ path: 'varianceReason', message: 'a variance of -12.50 yuan on the first count (over 10.00) needs a reason' }] } });
    e = await refusal(r.shifts.close({ countedFen: 11_250, varianceReason: '先数漏了一张' }));
    expect(e).toMatchObject({ code: 'pin_required', message: 'managerPin: a variance of -12.50 yuan on the first count (over 10.00) needs the manager PIN' });
    const z = await r.shifts.close({ countedFen: 11_250, varianceReason: '先数漏了一张', managerPin: MANAGER_PIN });
    expect(z.cash).toMatchObject({ expectedFen: 11_250, countedFen: 11_250, varianceFen: 0, counts: 2, firstCountedFen: 10_000, firstVarianceFen: -1_250 });
    expect(r.shifts.store.shift(shiftId)).toMatchObject({ managerApproved: true, varianceReason: '先数漏了一张', counts: 2, firstCountedFen: 10_000 });
    // Read back as stored: the same (the schema keeps the fields).
    expect(r.shifts.report(shiftId)).toEqual(z);
    const closed = r.journal.audit.entries(`shift:${shiftId}`).at(-1)!;
    expect(JSON.parse(closed.data)).toMatchObject({ counts: 2, firstCountedFen: 10_000, firstVarianceFen: -1_250, managerApproved: true });
    expect(r.journal.audit.entries(`shift:${shiftId}`).filter((a) => a.kind === 'shift.counted').map((a) => JSON.parse(a.data).count)).toEqual([1, 2]);
    expect(r.journal.verifyAudit().ok).toBe(true);

    // Paper, CSV and PDF say it in both languages.
    const doc = normalizeDoc({ kind: 'report', report: z, shopName: '店', terminalId: 'T01', printedAt: '2026-11-24T09:00:00.000Z' });
    if (!doc.ok) throw new Error('not printable');
    expect(decodeToPrinted(renderDoc(doc.doc, { paper: '58mm' })).text).toContain('首次清点 ￥100.00 · 清点 2 次');
    expect(decodeToPrinted(renderDoc(doc.doc, { paper: '80mm', locale: 'en' })).text).toContain('first count ¥100.00 · counted 2 times'.replace('¥', '￥'));
    expect(reportToCsv(z)).toContain('首次清点,100.00\r\n清点次数,2\r\n');
    expect(reportToCsv(z, { locale: 'en' })).toContain('First count,100.00\r\nTimes counted,2\r\n');
    expect(renderReportHtml(z)).toContain('首次清点 ¥100.00 · 清点 2 次');
    expect(renderReportHtml(z, 'en')).toContain('first count ¥100.00 · counted 2 times');
  });

  it('one count: the Z report carries it as the first, and nothing is said of recounts', async () => {
    const { r } = await openShift();
    r.shifts.reviewCount({ countedFen: 11_250 });
    const z = await r.shifts.close({ countedFen: 11_250 });
    expect(z.cash).toMatchObject({ counts: 1, firstCountedFen: 11_250, firstVarianceFen: 0 });
    const doc = normalizeDoc({ kind: 'report', report: z, shopName: '店', terminalId: 'T01', printedAt: '2026-11-24T09:00:00.000Z' });
    expect(doc.ok && decodeToPrinted(renderDoc(doc.doc, { paper: '58mm' })).text).not.toContain('首次清点');
    expect(reportToCsv(z)).not.toContain('首次清点');
    expect(renderReportHtml(z)).not.toContain('首次清点');
  });

  it('recounts within the threshold need no approval, but the Z report still says there were recounts', async () => {
    const { r } = await openShift();
    r.shifts.reviewCount({ countedFen: 11_000 }); // −2.50
    expect(r.shifts.reviewCount({ countedFen: 11_250 })).toMatchObject({ needsApproval: false, counts: 2 });
    const z = await r.shifts.close({ countedFen: 11_250 });
    expect(z.cash).toMatchObject({ counts: 2, firstCountedFen: 11_000, firstVarianceFen: -250 });
    expect(r.shifts.store.shift(z.shiftIds[0]!)!.managerApproved).toBe(false);
  });

  it('the first count never changes, and counts never go down, even by hand', async () => {
    const { r, shiftId } = await openShift();
    r.shifts.reviewCount({ countedFen: 10_000 });
    r.shifts.reviewCount({ countedFen: 11_250 });
    const db = r.journal.db;
    expect(() => db.prepare('UPDATE shifts SET first_counted_fen = 11250 WHERE id = ?').run(shiftId)).toThrow(/first count of a shift never changes/);
    expect(() => db.prepare('UPDATE shifts SET first_expected_fen = 10000 WHERE id = ?').run(shiftId)).toThrow(/first count of a shift never changes/);
    expect(() => db.prepare('UPDATE shifts SET counts = 1 WHERE id = ?').run(shiftId)).toThrow(/counts only go up/);
    // A close that skips the record is refused by the database too.
    expect(() => db.prepare(`UPDATE shifts SET closed_at = 't', counted_fen = 10000, expected_fen = 11250, variance_fen = -1250, report = '{}' WHERE id = ?`).run(shiftId)).toThrow(/latest recorded count/);
  });
});

describe('shift.close takes only the latest recorded count', () => {
  const amounts = ['112.50', '100.00', '111.00', '11250', '10000', '11100', '12.50', '1.50', '1250', '150'];

  it('refuses a count never submitted, an earlier count, and other denominations — naming no amount', async () => {
    const { r } = await openShift();
    const never = await refusal(r.shifts.close({ countedFen: 11_100 }));
    expect(never).toMatchObject({ code: 'conflict', extra: { issues: [{ path: 'countedFen' }] } });
    expect(never.message).toBe('countedFen: no count is recorded for shift 1 (shift.count): count again');
    r.shifts.reviewCount({ countedFen: 10_000, denominations: { '100': 1 } });
    r.shifts.reviewCount({ countedFen: 11_250, denominations: { '100': 1, '10': 1, '2': 1, '0.5': 1 } });
    for (const input of [{ countedFen: 10_000 }, { countedFen: 11_100, managerPin: MANAGER_PIN, varianceReason: 'x' }]) {
      const e = await refusal(r.shifts.close(input));
      expect(e).toMatchObject({ code: 'conflict', message: 'countedFen: not the latest count recorded for shift 1 (shift.count): count again' });
      for (const a of amounts) expect(JSON.stringify(e.extra) + e.message).not.toContain(a);
    }
    const denoms = await refusal(r.shifts.close({ countedFen: 11_250, denominations: { '100': 1, '5': 2, '2': 1, '0.5': 1 } }));
    expect(denoms).toMatchObject({ code: 'conflict', extra: { issues: [{ path: 'countedFen', message: 'the denominations are not those of the latest count recorded for shift 1 (shift.count)' }] } });
    // Nothing was recorded by the refusals: still two counts, the shift open.
    expect(r.shifts.store.shift(1)).toMatchObject({ counts: 2, closedAt: null });
    // The latest count, its denominations left out: accepted, and stored with the recorded ones.
    const z = await r.shifts.close({ countedFen: 11_250, managerPin: MANAGER_PIN, varianceReason: '重新清点' });
    expect(z.cash).toMatchObject({ countedFen: 11_250, counts: 2 });
    expect(JSON.parse(r.shifts.store.shift(1)!.denominations!)).toEqual({ '100': 1, '10': 1, '2': 1, '0.5': 1 });
  });

  it('no new count while the close runs (the close stands on the latest one)', async () => {
    const { r, shiftId } = await openShift();
    order(r.journal, { channel: 'weixin', amountFen: 100, shiftId }); // a gateway order: the close awaits its query
    r.shifts.reviewCount({ countedFen: 11_250 });
    const closing = r.shifts.close({ countedFen: 11_250 });
    expect(() => r.shifts.reviewCount({ countedFen: 11_000 })).toThrow('the shift is being closed: wait for the close to finish');
    expect((await closing).cash).toMatchObject({ countedFen: 11_250, counts: 1 });
  });

  it('a count made before the drawer changed no longer stands: count again, with no figure', async () => {
    const { r, shiftId } = await openShift();
    r.shifts.reviewCount({ countedFen: 11_250 });
    order(r.journal, { channel: 'cash', amountFen: 300, shiftId });
    const e = await refusal(r.shifts.close({ countedFen: 11_250 }));
    expect(e).toMatchObject({ code: 'conflict', message: 'the drawer changed since the count (a cash sale, refund or cash in/out): count again' });
    // Counted again (the same amount against the new drawer is a new count).
    expect(r.shifts.reviewCount({ countedFen: 11_250 })).toMatchObject({ counts: 2, varianceFen: -300, firstVarianceFen: 0, needsApproval: false });
    expect((await r.shifts.close({ countedFen: 11_250 })).cash).toMatchObject({ varianceFen: -300, counts: 2, firstCountedFen: 11_250, firstVarianceFen: 0 });
  });
});

describe('upgrade to 052 from a journal made by the previous migrations', () => {
  it('keeps closed shifts as they were, takes an open shift’s counts from its audit log, and the close goes on from there', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pos-shift-052-'));
    const path = join(dir, 'journal.db');
    try {
      const previous = MIGRATIONS.filter((m) => m.version < 52);
      expect(previous.map((m) => m.version)).toEqual([1, 2, 3, 4, 5, 6, 7, 10, 11, 12, 50, 51]);
      const old = Journal.open({ path, terminalId: 'T01', journalId: 'shft0001', migrations: previous });
      const pinHash = await hashPin('2468');
      const legacyZ = {
        title: 'Z', shiftIds: [1], from: '2026-11-23T01:00:00.000Z', to: '2026-11-23T09:00:00.000Z', cashierId: 'C07', channels: [], totalNetFen: 0,
        cash: { floatFen: 5_000, salesFen: 0, refundsFen: 0, inFen: 0, outFen: 0, expectedFen: 5_000, countedFen: 5_000, varianceFen: 0 },
        openOrders: [], reconciliation: { matches: true, diffs: [], checked: 0 },
      };
      old.db.transaction(() => {
        old.db.prepare(`INSERT INTO cashiers (id, name, role, pin_hash, created_at, updated_at) VALUES ('C07', '王小明', 'cashier', ?, 't', 't')`).run(pinHash);
        old.db.prepare(`INSERT INTO shifts (terminal_id, cashier_id, business_date, opened_at, float_fen, closed_at, closed_by, expected_fen, counted_fen, variance_fen, report)
          VALUES ('T01', 'C07', '2026-11-23', '2026-11-23T01:00:00.000Z', 5000, '2026-11-23T09:00:00.000Z', 'C07', 5000, 5000, 0, ?)`).run(JSON.stringify(legacyZ));
        old.db.prepare(`INSERT INTO shifts (terminal_id, cashier_id, business_date, opened_at, float_fen) VALUES ('T01', 'C07', '2026-11-24', '2026-11-24T01:00:00.000Z', 2000)`).run();
        // The previous build audited each count of the open shift (ffb5ff7), and only there.
        old.audit.append({ at: 't1', kind: 'shift.counted', subject: 'shift:2', data: { cashierId: 'C07', countedFen: 500, denominations: { '5': 1 }, expectedFen: 2_000, varianceFen: -1_500 } });
        old.audit.append({ at: 't2', kind: 'shift.counted', subject: 'shift:2', data: { cashierId: 'C07', countedFen: 2_000, denominations: { '20': 1 }, expectedFen: 2_000, varianceFen: 0 } });
      })();
      old.close();

      const clock = { t: Date.UTC(2026, 10, 24, 5) };
      const journal = Journal.open({ path, terminalId: 'T01', now: () => clock.t });
      try {
        expect((journal.db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number }).v).toBe(MIGRATIONS.at(-1)!.version);
        const pin = new ManagerPin(dir, () => clock.t);
        const shifts = new ShiftService({ journal, gateway: null, merchantNo: 'M1', checkManagerPin: (p) => pin.check(p), now: () => clock.t, varianceThresholdFen: () => 1_000 });
        // Closed before 052: unchanged, no counts on the row, its Z report reads as before.
        expect(shifts.store.shift(1)).toMatchObject({ counts: 0, firstCountedFen: null, lastCountedFen: null, countedFen: 5_000 });
        expect(shifts.report(1)).toMatchObject({ title: 'Z', blind: false, cash: { countedFen: 5_000 } });
        expect(shifts.report(1).cash).not.toHaveProperty('counts');
        // Open across the upgrade: the counts its audit log holds.
        expect(shifts.store.shift(2)).toMatchObject({ counts: 2, firstCountedFen: 500, firstExpectedFen: 2_000, lastCountedFen: 2_000, lastExpectedFen: 2_000 });
        expect(JSON.parse(shifts.store.shift(2)!.lastDenominations!)).toEqual({ '20': 1 });
        await shifts.signIn('C07', '2468');
        // The recount to 20.00 after a first count of 5.00 still needs the manager.
        expect(await refusal(shifts.close({ countedFen: 2_000, varianceReason: '补数' }))).toMatchObject({ code: 'pin_required' });
        const z = await shifts.close({ countedFen: 2_000, varianceReason: '补数', managerPin: MANAGER_PIN });
        expect(z.cash).toMatchObject({ countedFen: 2_000, varianceFen: 0, counts: 2, firstCountedFen: 500, firstVarianceFen: -1_500 });
        expect(journal.verifyAudit().ok).toBe(true);
      } finally {
        journal.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
