import { afterEach, describe, expect, it } from 'vitest';
import { PosError } from '../../../shared/ipc/errors.js';
import { MAX_PIN_TRIES, PIN_LOCKOUT_MS } from '../../../electron/shift/service.js';
import type { ShiftReport } from '../../../shared/ipc/contract.js';
import { countAndClose, MANAGER_PIN, order, refund, rig } from './helpers.js';

let r: ReturnType<typeof rig>;
afterEach(() => r?.close());

async function signedIn(extra: Parameters<typeof rig>[0] = {}) {
  r = rig(extra);
  await r.shifts.addCashier({ id: 'C07', name: '王小明', pin: '2468' }, MANAGER_PIN);
  await r.shifts.signIn('C07', '2468');
  return r;
}

const code = (p: Promise<unknown> | (() => unknown)) =>
  typeof p === 'function'
    ? (() => {
        try {
          p();
        } catch (e) {
          return e instanceof PosError ? e.code : String(e);
        }
        return 'no error';
      })()
    : p.then(
        () => 'no error',
        (e: unknown) => (e instanceof PosError ? e.code : String(e)),
      );

describe('cashiers and sign-in', () => {
  it('adds a cashier only with the manager PIN and never stores the PIN itself', async () => {
    r = rig();
    await expect(r.shifts.addCashier({ id: 'C01', name: '李', pin: '1234' }, '9999')).rejects.toMatchObject({ code: 'pin_required' });
    await r.shifts.addCashier({ id: 'C01', name: '李', pin: '1234' }, MANAGER_PIN);
    const row = r.journal.db.prepare('SELECT pin_hash FROM cashiers WHERE id = ?').get('C01') as { pin_hash: string };
    expect(row.pin_hash).toMatch(/^scrypt\$16384\$8\$1\$[0-9a-f]{32}\$[0-9a-f]{64}$/);
    expect(row.pin_hash).not.toContain('1234');
    const audit = JSON.stringify(r.journal.audit.entries());
    expect(audit).not.toContain('1234');
    await expect(r.shifts.addCashier({ id: 'C01', name: 'x', pin: '1234' }, MANAGER_PIN)).rejects.toMatchObject({ code: 'conflict' });
    await expect(r.shifts.addCashier({ id: 'bad id', name: 'x', pin: '1234' }, MANAGER_PIN)).rejects.toMatchObject({ code: 'invalid_payload', extra: { issues: [{ path: 'id' }] } });
    await expect(r.shifts.addCashier({ id: 'C02', name: 'x', pin: '12' }, MANAGER_PIN)).rejects.toMatchObject({ extra: { issues: [{ path: 'pin', message: 'must be 4–8 digits' }] } });
  });

  it('signs in with the right PIN; a wrong PIN or unknown cashier gets the same answer', async () => {
    r = rig();
    await r.shifts.addCashier({ id: 'C01', name: '李', pin: '1234' }, MANAGER_PIN);
    await expect(r.shifts.signIn('C01', '4321')).rejects.toMatchObject({ code: 'pin_required', message: 'pin: wrong cashier or PIN' });
    await expect(r.shifts.signIn('NOPE', '1234')).rejects.toMatchObject({ code: 'pin_required', message: 'pin: wrong cashier or PIN' });
    expect(await r.shifts.signIn('C01', '1234')).toEqual({ cashierId: 'C01', name: '李' });
    expect(r.shifts.signedIn()).toMatchObject({ cashierId: 'C01' });
  });

  it(`locks a cashier after ${MAX_PIN_TRIES} wrong PINs for PIN_LOCKOUT_MS, across a restart of the service`, async () => {
    r = rig();
    await r.shifts.addCashier({ id: 'C01', name: '李', pin: '1234' }, MANAGER_PIN);
    for (let i = 0; i < MAX_PIN_TRIES; i++) await expect(r.shifts.signIn('C01', '0000')).rejects.toMatchObject({ code: 'pin_required' });
    await expect(r.shifts.signIn('C01', '1234')).rejects.toMatchObject({ message: expect.stringMatching(/^pin: locked after 5 wrong tries; try again in 300 s$/) });
    r.clock.advance(PIN_LOCKOUT_MS + 1);
    expect(await r.shifts.signIn('C01', '1234')).toMatchObject({ cashierId: 'C01' });
    expect(r.journal.audit.entries('C01').map((e) => e.kind)).toEqual(['cashier.added', 'cashier.wrong_pin', 'cashier.wrong_pin', 'cashier.wrong_pin', 'cashier.wrong_pin', 'cashier.locked', 'cashier.signed_in']);
  });

  it('a changed PIN works and the old one does not', async () => {
    r = rig();
    await r.shifts.addCashier({ id: 'C01', name: '李', pin: '1234' }, MANAGER_PIN);
    await r.shifts.setCashierPin('C01', '98765', MANAGER_PIN);
    await expect(r.shifts.signIn('C01', '1234')).rejects.toMatchObject({ code: 'pin_required' });
    await r.shifts.signIn('C01', '98765');
  });
});

describe('open, cash in/out, X report', () => {
  it('needs a signed-in cashier; one open shift per till', async () => {
    r = rig();
    expect(await code(() => r.shifts.open(50_000))).toBe('conflict');
    await r.shifts.addCashier({ id: 'C07', name: '王', pin: '2468' }, MANAGER_PIN);
    await r.shifts.signIn('C07', '2468');
    const s = r.shifts.open(50_000);
    expect(s).toMatchObject({ shiftId: 1, cashierId: 'C07', floatFen: 50_000, closedAt: null });
    expect(r.shifts.current()).toEqual(s);
    expect(r.shifts.currentShiftId()).toBe(1);
    expect(() => r.shifts.open(0)).toThrow(/shift 1 of C07 is still open/);
    expect(await code(() => r.shifts.open(-1))).toBe('invalid_payload');
  });

  it('X report: per-channel counts and totals of sales, refunds, reversals and net; the drawer', async () => {
    await signedIn();
    const { shiftId } = r.shifts.open(50_000);
    const w1 = order(r.journal, { channel: 'weixin', amountFen: 1999, shiftId });
    order(r.journal, { channel: 'weixin', amountFen: 500, shiftId });
    order(r.journal, { channel: 'weixin', amountFen: 700, state: 'refunded', shiftId }); // reversed after paying
    order(r.journal, { channel: 'weixin', amountFen: 900, state: 'declined', shiftId });
    order(r.journal, { channel: 'alipay', amountFen: 12_345, shiftId });
    order(r.journal, { channel: 'unionpay', amountFen: 100_000, shiftId });
    const c1 = order(r.journal, { channel: 'cash', amountFen: 3_000, shiftId });
    order(r.journal, { channel: 'cash', amountFen: 450, shiftId });
    refund(r.journal, w1, 999, shiftId);
    refund(r.journal, c1, 1_000, shiftId);
    refund(r.journal, c1, 500, shiftId, 'failed');
    order(r.journal, { channel: 'weixin', amountFen: 88_800, shiftId: null }); // another shift's / no shift
    r.shifts.cashMove('in', 10_000, '换零钱');
    r.shifts.cashMove('out', 20_000, '存银行');
    // The manager's X report (with the PIN) has every figure; the cashier's is blind (see below).
    const x = r.shifts.xReport({ managerPin: MANAGER_PIN });
    expect(x).toMatchObject({ title: 'X', blind: false, shiftIds: [shiftId], cashierId: 'C07', to: null, reconciliation: null, openOrders: [] });
    const by = Object.fromEntries(x.channels.map((c) => [c.channel, c]));
    expect(x.channels.map((c) => c.channel)).toEqual(['weixin', 'alipay', 'qq', 'jd', 'unionpay', 'cash']);
    expect(by.weixin).toEqual({ channel: 'weixin', salesCount: 3, salesFen: 1999 + 500 + 700, refundsCount: 1, refundsFen: 999, reversalsCount: 1, reversalsFen: 700, netFen: 1999 + 500 - 999 });
    expect(by.alipay).toMatchObject({ salesCount: 1, salesFen: 12_345, netFen: 12_345 });
    expect(by.qq).toMatchObject({ salesCount: 0, netFen: 0 });
    expect(by.cash).toEqual({ channel: 'cash', salesCount: 2, salesFen: 3_450, refundsCount: 1, refundsFen: 1_000, reversalsCount: 0, reversalsFen: 0, netFen: 2_450 });
    expect(x.totalNetFen).toBe(1500 + 12_345 + 100_000 + 2_450);
    expect(x.cash).toEqual({ floatFen: 50_000, salesFen: 3_450, refundsFen: 1_000, inFen: 10_000, outFen: 20_000, expectedFen: 50_000 + 3_450 - 1_000 + 10_000 - 20_000, countedFen: null, varianceFen: null });
    // The same totals the journal itself computes for the shift.
    const journalTotals = r.journal.channelTotals({ shiftId });
    for (const t of journalTotals) expect(by[t.channel]).toEqual(t);
  });

  it('cash in/out: reasons required, amounts exact, never more out than the drawer holds; audited', async () => {
    await signedIn();
    r.shifts.open(10_000);
    expect(await code(() => r.shifts.cashMove('in', 100, ''))).toBe('invalid_payload');
    expect(() => r.shifts.cashMove('in', 12.5, 'x')).toThrow(/amountFen/);
    // The refusal names no drawer figure (it would give the expected cash away before the blind
    // count), and it is audited.
    expect(() => r.shifts.cashMove('out', 10_001, '存银行')).toThrow(/^amountFen: 100\.01 yuan is more than the drawer should hold$/);
    r.shifts.cashMove('out', 10_000, '存银行');
    const kinds = r.journal.audit.entries('shift:1').map((e) => e.kind);
    expect(kinds).toEqual(['shift.opened', 'shift.cash_out_refused', 'shift.cash_out']);
    expect(r.shifts.store.cashMoves(1)).toMatchObject([{ direction: 'out', amountFen: 10_000, reason: '存银行', cashierId: 'C07' }]);
  });
});

describe('close', () => {
  it('blind count within the threshold: closes, Z report frozen with the shift', async () => {
    await signedIn();
    const { shiftId } = r.shifts.open(50_000);
    order(r.journal, { channel: 'cash', amountFen: 2_000, shiftId });
    r.clock.advance(3_600_000);
    const z = await countAndClose(r.shifts, { countedFen: 51_900, denominations: { '100': 5, '10': 1, '5': 1, '2': 2 } });
    expect(z).toMatchObject({ title: 'Z', shiftIds: [shiftId], to: '2026-11-24T02:00:00.000Z', cash: { expectedFen: 52_000, countedFen: 51_900, varianceFen: -100 } });
    expect(z.reconciliation).toEqual({ matches: true, diffs: [], checked: 0, confirmed: 0 });
    expect(r.shifts.current()).toBeNull();
    expect(r.shifts.currentShiftId()).toBeNull();
    expect(r.shifts.report(shiftId)).toEqual(z);
    // A closed shift never changes, even by hand.
    expect(() => r.journal.db.prepare('UPDATE shifts SET counted_fen = 1 WHERE id = ?').run(shiftId)).toThrow(/a closed shift never changes/);
    const closed = r.journal.audit.entries(`shift:${shiftId}`).at(-1)!;
    expect(closed.kind).toBe('shift.closed');
    expect(JSON.parse(closed.data)).toMatchObject({ closedBy: 'C07', expectedFen: 52_000, countedFen: 51_900, varianceFen: -100, managerApproved: false });
    expect(r.journal.verifyAudit().ok).toBe(true);
  });

  it('denominations must add up to the count and be real notes/coins', async () => {
    await signedIn();
    r.shifts.open(0);
    await expect(r.shifts.close({ countedFen: 1000, denominations: { '100': 1 } })).rejects.toMatchObject({ code: 'invalid_payload', extra: { issues: [{ path: 'denominations', message: 'add up to 100.00 yuan but countedFen is 10.00 yuan' }] } });
    await expect(r.shifts.close({ countedFen: 1000, denominations: { '3': 1 } })).rejects.toMatchObject({ extra: { issues: [{ path: 'denominations.3' }] } });
    expect(r.shifts.current()).not.toBeNull();
  });

  it('a variance over the threshold needs a reason and the manager PIN', async () => {
    await signedIn({ varianceThresholdFen: () => 1_000 });
    r.shifts.open(50_000);
    await expect(countAndClose(r.shifts, { countedFen: 48_000 })).rejects.toMatchObject({ code: 'invalid_payload', extra: { issues: [{ path: 'varianceReason', message: 'a variance of -20.00 yuan (over 10.00) needs a reason' }] } });
    await expect(countAndClose(r.shifts, { countedFen: 48_000, varianceReason: '找错零钱' })).rejects.toMatchObject({ code: 'pin_required', message: 'managerPin: a variance of -20.00 yuan (over 10.00) needs the manager PIN' });
    await expect(countAndClose(r.shifts, { countedFen: 48_000, varianceReason: '找错零钱', managerPin: '1111' })).rejects.toMatchObject({ code: 'pin_required', message: 'managerPin: wrong manager PIN' });
    expect(r.shifts.current()).not.toBeNull();
    const z = await countAndClose(r.shifts, { countedFen: 48_000, varianceReason: '找错零钱', managerPin: MANAGER_PIN });
    expect(z.cash.varianceFen).toBe(-2_000);
    expect(r.shifts.store.shift(1)).toMatchObject({ managerApproved: true, varianceReason: '找错零钱', varianceFen: -2_000 });
  });

  it('exactly at the threshold needs no PIN', async () => {
    await signedIn({ varianceThresholdFen: () => 1_000 });
    r.shifts.open(50_000);
    expect((await countAndClose(r.shifts, { countedFen: 51_000 })).cash.varianceFen).toBe(1_000);
  });

  it('cannot close while an order or a refund is not final; they are listed', async () => {
    await signedIn();
    const { shiftId } = r.shifts.open(0);
    const p = order(r.journal, { channel: 'weixin', amountFen: 100, state: 'pending', shiftId });
    const paid = order(r.journal, { channel: 'alipay', amountFen: 500, shiftId });
    refund(r.journal, paid, 200, shiftId, 'processing');
    const x = r.shifts.xReport();
    expect(x.openOrders.map((o) => [o.outTradeNo, o.state])).toEqual([[p, 'pending'], [paid, 'paid']]);
    await expect(countAndClose(r.shifts, { countedFen: 0 })).rejects.toMatchObject({ code: 'conflict', message: expect.stringContaining(`2 order(s) not final: ${p} (pending), ${paid} (paid)`) });
    r.journal.transition(p, 'closed', { source: 'reverse' });
    const rf = r.journal.refundsOf(r.journal.attempt(paid)!.id)[0]!;
    r.journal.refundTransition(rf.outRefundNo, 'succeeded', { source: 'refund' });
    const z = await countAndClose(r.shifts, { countedFen: 0 });
    expect(z.openOrders).toEqual([]);
  });

  it('a payment that landed after close (paid_after_close) is listed, with its owed refund, and holds the close until refunded', async () => {
    await signedIn();
    const { shiftId } = r.shifts.open(0);
    const late = order(r.journal, { channel: 'weixin', amountFen: 700, state: 'closed', shiftId });
    r.journal.transition(late, 'paid_after_close', { source: 'callback', reasonCode: 'paid_after_close', next: { action: 'refund', dueAtMs: 0 } });
    const x = r.shifts.xReport();
    expect(x.openOrders.map((o) => [o.outTradeNo, o.state, o.amountFen])).toEqual([[late, 'paid_after_close', 700]]);
    expect(r.journal.openWork().map((w) => [w.ref, w.action])).toEqual([[late, 'refund']]);
    await expect(countAndClose(r.shifts, { countedFen: 0 })).rejects.toMatchObject({ code: 'conflict', message: expect.stringContaining(`${late} (paid_after_close)`) });
    r.journal.transition(late, 'refunded', { source: 'reverse', reasonCode: 'refunded_after_close' });
    expect(r.journal.openWork()).toEqual([]);
    expect((await countAndClose(r.shifts, { countedFen: 0 })).openOrders).toEqual([]);
  });

  it('without a gateway, every gateway order is listed as not checked: the report does not claim a match', async () => {
    await signedIn();
    const { shiftId } = r.shifts.open(0);
    const w = order(r.journal, { channel: 'weixin', amountFen: 100, shiftId });
    order(r.journal, { channel: 'cash', amountFen: 100, shiftId });
    const z = await countAndClose(r.shifts, { countedFen: 100 });
    expect(z.reconciliation).toEqual({ matches: false, checked: 0, confirmed: 0, diffs: [{ outTradeNo: w, cause: 'not_checked', journal: 'paid 1.00', gateway: 'no answer: no gateway configured' }] });
  });
});

describe('day report (日结)', () => {
  it('sums every shift of the day and the day’s sales outside any shift', async () => {
    await signedIn();
    const s1 = r.shifts.open(10_000).shiftId;
    order(r.journal, { channel: 'weixin', amountFen: 1_000, shiftId: s1 });
    order(r.journal, { channel: 'cash', amountFen: 500, shiftId: s1 });
    await countAndClose(r.shifts, { countedFen: 10_500 });
    r.clock.advance(60_000);
    order(r.journal, { channel: 'alipay', amountFen: 2_000, shiftId: null }); // taken with no shift open
    const s2 = r.shifts.open(20_000).shiftId;
    order(r.journal, { channel: 'weixin', amountFen: 3_000, shiftId: s2 });
    r.shifts.cashMove('in', 1_000, '补零钱');
    // Shift 2 is still open: without the manager PIN the day is blind like its X report.
    const blindDay = await r.shifts.dayReport('2026-11-24', { reconcile: 'none' });
    expect(blindDay).toMatchObject({ title: 'DAY', blind: true, totalNetFen: null, cash: { expectedFen: null, floatFen: null } });
    let day: ShiftReport = await r.shifts.dayReport('2026-11-24', { reconcile: 'none', managerPin: MANAGER_PIN });
    expect(day).toMatchObject({ title: 'DAY', blind: false, shiftIds: [s1, s2], to: null, cashierId: null, reconciliation: null });
    expect(day.channels.find((c) => c.channel === 'weixin')).toMatchObject({ salesCount: 2, salesFen: 4_000 });
    expect(day.channels.find((c) => c.channel === 'alipay')).toMatchObject({ salesCount: 1, salesFen: 2_000 });
    expect(day.totalNetFen).toBe(1_000 + 500 + 2_000 + 3_000);
    expect(day.cash).toEqual({ floatFen: 30_000, salesFen: 500, refundsFen: 0, inFen: 1_000, outFen: 0, expectedFen: 31_500, countedFen: null, varianceFen: null });
    await countAndClose(r.shifts, { countedFen: 21_000 });
    day = await r.shifts.dayReport('2026-11-24', { reconcile: 'none' });
    expect(day.cash).toMatchObject({ countedFen: 31_500, varianceFen: 0 });
    expect(day.to).not.toBeNull();
    // Another day is empty.
    const other = await r.shifts.dayReport('2026-11-25', { reconcile: 'none' });
    expect(other).toMatchObject({ shiftIds: [], totalNetFen: 0 });
    expect(await code(r.shifts.dayReport('2026-13-99'))).toBe('invalid_payload');
  });

  it('reuse: takes each closed shift’s reconciliation and checks only the rest', async () => {
    await signedIn();
    const s1 = r.shifts.open(0).shiftId;
    order(r.journal, { channel: 'weixin', amountFen: 1_000, shiftId: s1 });
    const z = await countAndClose(r.shifts, { countedFen: 0 });
    expect(z.reconciliation!.diffs).toHaveLength(1); // no gateway: not checked
    const loose = order(r.journal, { channel: 'jd', amountFen: 700, shiftId: null });
    const day = await r.shifts.dayReport('2026-11-24');
    expect(day.reconciliation!.diffs.map((d) => d.outTradeNo)).toEqual([...z.reconciliation!.diffs.map((d) => d.outTradeNo), loose]);
  });
});
