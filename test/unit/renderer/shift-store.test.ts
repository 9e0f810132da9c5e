// @vitest-environment happy-dom
// The shift store against a stand-in main side: the drawer counted by denomination adds up exactly
// in fen, the count is BLIND (nothing that carries the expected amount is asked for before the count
// is committed), the variance approval and the open orders stop the close before main is asked.
import { beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createPinia, setActivePinia } from 'pinia';
import { fakePos } from './fake-pos';
import type { BlindShiftReport, CountReview, FullShiftReport, IpcResultOf, ShiftView, OrderRow } from '../../../shared/ipc/contract';
import { DEFAULT_SETTINGS } from '../../../shared/settings';

const { useShiftStore, denominationTotal, parseCount, parseMoneyInput, nextCashierId, DENOMINATIONS, MAX_DENOMINATION_COUNT } = await import('../../../renderer/stores/shift');

const SHIFT: ShiftView = { shiftId: 7, cashierId: 'c1', openedAt: '2025-01-31T01:00:00.000Z', closedAt: null, floatFen: 10_000 };

function report(over: Partial<FullShiftReport> = {}, cash: Partial<FullShiftReport['cash']> = {}): FullShiftReport {
  return {
    title: 'X',
    blind: false,
    shiftIds: [7],
    from: SHIFT.openedAt,
    to: null,
    cashierId: 'c1',
    channels: [],
    totalNetFen: 0,
    cash: { floatFen: 10_000, salesFen: 1_250, refundsFen: 0, inFen: 0, outFen: 2_000, expectedFen: 9_250, countedFen: null, varianceFen: null, ...cash },
    openOrders: [],
    reconciliation: null,
    ...over,
  };
}

/** The cashier's X report as main sends it: the drawer's figures null. */
function blindX(over: Partial<BlindShiftReport> = {}): BlindShiftReport {
  const { goods: _goods, ...full } = report();
  return {
    ...full,
    blind: true,
    title: 'X',
    channels: [],
    totalNetFen: null,
    cash: { floatFen: null, salesFen: null, refundsFen: null, inFen: null, outFen: null, expectedFen: null, countedFen: null, varianceFen: null },
    ...over,
  };
}

/** The counts main has recorded for the close (it keeps the first and how many there were). */
const recorded = { counts: 0, first: 0, last: -1 };

/** main's answer to shift.count for the drawer of report(): expected 92.50. */
function countAnswer(countedFen: number, openOrders: OrderRow[] = []): CountReview {
  const varianceFen = countedFen - 9_250;
  if (recorded.counts === 0) recorded.first = countedFen;
  if (countedFen !== recorded.last) recorded.counts++;
  recorded.last = countedFen;
  const firstVarianceFen = recorded.first - 9_250;
  return {
    shiftId: 7, countedFen, expectedFen: 9_250, varianceFen, thresholdFen: 1_000,
    needsApproval: Math.abs(varianceFen) > 1_000 || Math.abs(firstVarianceFen) > 1_000,
    counts: recorded.counts, firstCountedFen: recorded.first, firstVarianceFen, openOrders,
  };
}

const PENDING: OrderRow = { outTradeNo: 'T1', saleId: 1, kind: 'qr', channel: 'weixin', method: 'weixin.qr_code_pay', amountFen: 500, refundedFen: 0, state: 'pending', tradeNo: null, createdAt: SHIFT.openedAt };

const calls = (channel: string) => fakePos.calls.filter((c) => c.channel === channel);

async function signedInWithShift(): Promise<ReturnType<typeof useShiftStore>> {
  Object.assign(recorded, { counts: 0, first: 0, last: -1 });
  fakePos.answer('shift.session', () => ({ ok: true, value: { cashierId: 'c1', name: '小王' } }));
  fakePos.answer('shift.current', () => ({ ok: true, value: SHIFT }));
  fakePos.answer('shift.cashiers', () => ({ ok: true, value: [{ id: 'c1', name: '小王', role: 'cashier', active: true, locked: false }] }));
  fakePos.answer('settings.get', () => ({ ok: true, value: { values: { ...DEFAULT_SETTINGS, varianceThresholdFen: 1_000 }, hasSecret: false, hasHeadOfficeCredential: false, secretStorage: 'plain-file', managerPinIsDefault: false } }));
  fakePos.answer('shift.xReport', (p) => {
    if (p.managerPin === undefined) return { ok: true, value: blindX() };
    return p.managerPin === '0000' ? { ok: true, value: report() } : { ok: false, error: { code: 'pin_required', message: 'managerPin: wrong manager PIN' } };
  });
  fakePos.answer('shift.count', (p) => ({ ok: true, value: countAnswer(p.countedFen) }));
  const store = useShiftStore();
  await store.refresh();
  return store;
}

beforeEach(() => {
  setActivePinia(createPinia());
  fakePos.calls.length = 0;
});

describe('counting the drawer', () => {
  it('sums denominations exactly in fen (0.1 yuan three times is 30 fen, not 0.30000000000000004)', () => {
    expect(denominationTotal({ '0.1': '3' }).totalFen).toBe(30);
    expect(denominationTotal({ '100': '2', '50': '1', '20': '3', '10': '4', '5': '1', '1': '7', '0.5': '3', '0.1': '9' })).toEqual({
      totalFen: 20_000 + 5_000 + 6_000 + 4_000 + 500 + 700 + 150 + 90,
      counts: { '100': 2, '50': 1, '20': 3, '10': 4, '5': 1, '1': 7, '0.5': 3, '0.1': 9 },
      bad: [],
    });
    // Empty and zero are "none" and are not sent.
    expect(denominationTotal({ '100': '', '50': '0' })).toEqual({ totalFen: 0, counts: {}, bad: [] });
  });

  it('refuses what is not a count, naming the denomination', () => {
    expect(parseCount('1.5')).toBeNull();
    expect(parseCount('-1')).toBeNull();
    expect(parseCount('1e3')).toBeNull();
    expect(parseCount(String(MAX_DENOMINATION_COUNT + 1))).toBeNull();
    expect(parseCount(String(MAX_DENOMINATION_COUNT))).toBe(MAX_DENOMINATION_COUNT);
    expect(denominationTotal({ '20': 'x', '0.5': '2.5', '1': '3' }).bad).toEqual(['20', '0.5']);
  });

  it('any counts add up to the integer sum, equal to the yuan text read back exactly (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: MAX_DENOMINATION_COUNT }), { minLength: DENOMINATIONS.length, maxLength: DENOMINATIONS.length }), (counts) => {
        const texts = Object.fromEntries(DENOMINATIONS.map((d, i) => [d.key, String(counts[i])]));
        const { totalFen, bad } = denominationTotal(texts);
        const expected = DENOMINATIONS.reduce((a, d, i) => a + BigInt(d.fen) * BigInt(counts[i]!), 0n);
        expect(bad).toEqual([]);
        expect(Number.isSafeInteger(totalFen)).toBe(true);
        expect(BigInt(totalFen)).toBe(expected);
        // The same total as the yuan the denominations name, parsed exactly.
        const yuanText = (Number(expected / 100n)).toString() + '.' + String(expected % 100n).padStart(2, '0');
        expect(parseMoneyInput(yuanText, { allowZero: true })).toBe(totalFen);
      }),
    );
  });

  it('typed yuan becomes fen exactly, or nothing', () => {
    expect(parseMoneyInput('12.5', { allowZero: false })).toBe(1250);
    expect(parseMoneyInput('0.29', { allowZero: false })).toBe(29);
    expect(parseMoneyInput('0', { allowZero: true })).toBe(0);
    expect(parseMoneyInput('0', { allowZero: false })).toBeNull();
    expect(parseMoneyInput('12.345', { allowZero: true })).toBeNull();
    expect(parseMoneyInput('-1', { allowZero: true })).toBeNull();
    expect(parseMoneyInput('100000000.01', { allowZero: true })).toBeNull();
    expect(parseMoneyInput('', { allowZero: true })).toBeNull();
  });
});

describe('who is working', () => {
  it('a new till (no cashiers) is the first run; then sign-in; then open; then working', async () => {
    let cashiers: { id: string; name: string; role: 'cashier'; active: boolean; locked: boolean }[] = [];
    let session: { cashierId: string; name: string } | null = null;
    let current: ShiftView | null = null;
    fakePos.answer('shift.session', () => ({ ok: true, value: session }));
    fakePos.answer('shift.current', () => ({ ok: true, value: current }));
    fakePos.answer('shift.cashiers', () => ({ ok: true, value: cashiers }));
    fakePos.answer('shift.addCashier', (p) => {
      if (p.managerPin !== '0000') return { ok: false, error: { code: 'pin_required', message: 'managerPin: wrong manager PIN' } };
      cashiers = [{ id: p.id, name: p.name, role: 'cashier', active: true, locked: false }];
      return { ok: true, value: cashiers[0]! };
    });
    fakePos.answer('shift.signIn', (p) => {
      session = { cashierId: p.cashierId, name: '小王' };
      return { ok: true, value: session };
    });
    fakePos.answer('shift.open', (p) => {
      current = { ...SHIFT, floatFen: p.floatFen };
      return { ok: true, value: current };
    });
    const store = useShiftStore();
    expect(store.phase).toBe('loading');
    await store.refresh();
    expect(store.phase).toBe('firstRun');
    expect(nextCashierId(store.cashiers)).toBe('001');
    expect(await store.addCashier({ id: '001', name: '小王', role: 'cashier', pin: '1357', managerPin: '9999' })).toMatchObject({ code: 'pin_required' });
    expect(store.phase).toBe('firstRun');
    expect(await store.addCashier({ id: '001', name: '小王', role: 'cashier', pin: '1357', managerPin: '0000' })).toBeNull();
    expect(store.phase).toBe('signIn');
    expect(store.pickedCashierId).toBe('001');
    expect(await store.signIn('001', '1357')).toBeNull();
    expect(store.phase).toBe('openShift');
    expect(await store.openShift(10_000)).toBeNull();
    expect(store.phase).toBe('working');
    expect(nextCashierId([{ id: '001' }, { id: '003' }])).toBe('004');
  });
});

describe('the close is a blind count', () => {
  it('asks for nothing that carries the expected amount before the count is committed', async () => {
    const store = await signedInWithShift();
    // The manager opened the full X report (it carries the expected amount)…
    expect(await store.loadXReport('0000')).toBeNull();
    expect(store.report?.blind === false && store.report.cash.expectedFen).toBe(9_250);
    fakePos.calls.length = 0;

    store.startClose();
    // …it is gone, with the PIN that opened it.
    expect(store.report).toBeNull();
    expect(store.reportPin).toBeNull();
    expect(store.close.step).toBe('count');
    expect(store.close.expectedFen).toBeNull();
    store.setCountMode('denominations');
    store.close.counts['50'] = '1';
    store.close.counts['20'] = 'two';
    expect(store.countDraftFen).toBeNull();
    expect(await store.confirmCount()).toBe('denominations');
    expect(store.close.step).toBe('count');
    store.close.counts['20'] = '1';
    store.close.counts['10'] = '1';
    expect(store.countDraftFen).toBe(8_000);
    expect(calls('shift.xReport')).toHaveLength(0);
    expect(calls('shift.report')).toHaveLength(0);
    expect(calls('shift.count')).toHaveLength(0);
    expect(calls('shift.close')).toHaveLength(0);

    expect(await store.confirmCount()).toBeNull();
    expect(store.close.step).toBe('review');
    // The count goes to main first (it is recorded there); the expected amount is its answer.
    expect(calls('shift.count').map((c) => c.payload)).toEqual([{ countedFen: 8_000, denominations: { '50': 1, '20': 1, '10': 1 } }]);
    expect(calls('shift.xReport')).toHaveLength(0);
    expect(store.close.expectedFen).toBe(9_250);
    expect(store.varianceFen).toBe(-1_250);
    expect(store.approvalNeeded).toBe(true);
  });

  it('a variance over the threshold needs the manager PIN and a reason before main is asked', async () => {
    const store = await signedInWithShift();
    fakePos.answer('shift.close', (p) => {
      if (p.managerPin !== '0000') return { ok: false, error: { code: 'pin_required', message: 'managerPin: wrong manager PIN' } };
      return { ok: true, value: report({ title: 'Z', to: '2025-01-31T09:00:00.000Z', reconciliation: { matches: true, diffs: [], checked: 1 } }, { countedFen: p.countedFen, varianceFen: p.countedFen - 9_250 }) };
    });
    store.startClose();
    await Promise.resolve();
    store.setCountMode('denominations');
    Object.assign(store.close.counts, { '50': '1', '20': '1', '10': '1' });
    await store.confirmCount();

    expect(await store.submitClose()).toBe('local');
    expect(store.close.issues).toEqual({ varianceReason: 'required', managerPin: 'rule' });
    expect(calls('shift.close')).toHaveLength(0);

    store.close.reason = '找错零钱';
    store.close.managerPin = '1234';
    expect(await store.submitClose()).toMatchObject({ code: 'pin_required' });
    expect(store.close.step).toBe('review');
    expect(store.close.issues).toEqual({ managerPin: 'wrong' });
    expect(store.close.managerPin).toBe('');

    store.close.managerPin = '0000';
    expect(await store.submitClose()).toBeNull();
    expect(calls('shift.close').at(-1)!.payload).toEqual({ countedFen: 8_000, denominations: { '50': 1, '20': 1, '10': 1 }, managerPin: '0000', varianceReason: '找错零钱' });
    expect(store.close.step).toBe('idle');
    expect(store.report?.title).toBe('Z');
    expect(store.reportTarget).toEqual({ kind: 'shift', shiftId: 7 });
    expect(store.justClosed).toBe(true);
  });

  it('within the threshold no PIN is asked; a count by total sends no denominations', async () => {
    const store = await signedInWithShift();
    fakePos.answer('shift.close', (p) => ({ ok: true, value: report({ title: 'Z', reconciliation: { matches: true, diffs: [], checked: 0 } }, { countedFen: p.countedFen, varianceFen: p.countedFen - 9_250 }) }));
    store.startClose();
    store.close.totalText = '92.00';
    await store.confirmCount();
    expect(store.varianceFen).toBe(-50);
    expect(store.approvalNeeded).toBe(false);
    expect(await store.submitClose()).toBeNull();
    expect(calls('shift.close').at(-1)!.payload).toEqual({ countedFen: 9_200 });
  });

  it('orders that are not final keep the close from being sent, and are listed', async () => {
    const store = await signedInWithShift();
    fakePos.answer('shift.count', (p) => ({ ok: true, value: countAnswer(p.countedFen, [PENDING]) }));
    store.startClose();
    store.close.totalText = '92.50';
    await store.confirmCount();
    expect(store.close.openOrders.map((o) => o.outTradeNo)).toEqual(['T1']);
    expect(await store.submitClose()).toBe('local');
    expect(calls('shift.close')).toHaveLength(0);

    // Query now: the gateway says paid; the list is fetched again and is empty.
    fakePos.answer('orders.queryNow', () => ({ ok: true, value: { ...PENDING, state: 'paid' } as never }));
    fakePos.answer('shift.count', (p) => ({ ok: true, value: countAnswer(p.countedFen) }));
    await store.queryOrder('T1');
    expect(store.close.openOrders).toEqual([]);
  });

  it('main refusing because orders are still open shows its words and the list as it is now', async () => {
    const store = await signedInWithShift();
    store.startClose();
    store.close.totalText = '92.50';
    await store.confirmCount();
    fakePos.answer('shift.close', () => ({ ok: false, error: { code: 'conflict', message: 'shift 7 cannot close: 1 order(s) not final: T1 (pending). Settle them (query now) first.' } }));
    fakePos.answer('shift.count', (p) => ({ ok: true, value: countAnswer(p.countedFen, [PENDING]) }));
    expect(await store.submitClose()).toMatchObject({ code: 'conflict' });
    expect(store.close.step).toBe('review');
    expect(store.close.error?.message).toContain('T1 (pending)');
    expect(store.close.openOrders).toHaveLength(1);
  });

  it('cash moved while closing: back to the count', async () => {
    const store = await signedInWithShift();
    store.startClose();
    store.close.totalText = '92.50';
    await store.confirmCount();
    fakePos.answer('shift.close', () => ({ ok: false, error: { code: 'conflict', message: 'cash moved in or out of the drawer while the shift was closing: count again' } }));
    await store.submitClose();
    expect(store.close.step).toBe('count');
    expect(store.close.countedFen).toBeNull();
  });
});

describe('a recount after seeing the expected amount', () => {
  it('keeps the first count: the recount that matches still needs the manager, and the count step says a count is on record', async () => {
    const store = await signedInWithShift();
    store.startClose();
    store.close.totalText = '80.00';
    await store.confirmCount();
    expect(store.varianceFen).toBe(-1_250);
    expect(store.close.timesCounted).toBe(1);
    store.recount();
    // Back at the count: main's record of the first count stays known to the screen.
    expect(store.close.step).toBe('count');
    expect(store.close).toMatchObject({ timesCounted: 1, firstCountedFen: 8_000, firstVarianceFen: -1_250 });
    store.close.totalText = '92.50';
    await store.confirmCount();
    expect(store.varianceFen).toBe(0);
    expect(store.close).toMatchObject({ timesCounted: 2, firstCountedFen: 8_000, firstVarianceFen: -1_250, needsApproval: true });
    expect(store.firstCountOver).toBe(true);
    expect(store.approvalNeeded).toBe(true);
    // Not sent without the reason and the PIN.
    expect(await store.submitClose()).toBe('local');
    expect(store.close.issues).toEqual({ varianceReason: 'required', managerPin: 'rule' });
    expect(calls('shift.close')).toHaveLength(0);
  });

  it('a first count within the threshold: the recount needs no approval', async () => {
    const store = await signedInWithShift();
    store.startClose();
    store.close.totalText = '92.00';
    await store.confirmCount();
    store.recount();
    store.close.totalText = '92.50';
    await store.confirmCount();
    expect(store.close.timesCounted).toBe(2);
    expect(store.firstCountOver).toBe(false);
    expect(store.approvalNeeded).toBe(false);
  });

  it('main refusing a count it has not recorded sends the cashier back to the count', async () => {
    const store = await signedInWithShift();
    store.startClose();
    store.close.totalText = '92.50';
    await store.confirmCount();
    fakePos.answer('shift.close', () => ({ ok: false, error: { code: 'conflict', message: 'countedFen: not the latest count recorded for shift 7 (shift.count): count again', issues: [{ path: 'countedFen', message: 'not the latest count recorded for shift 7 (shift.count)' }] } }));
    await store.submitClose();
    expect(store.close.step).toBe('count');
    expect(store.close.error?.code).toBe('conflict');
  });
});

describe('reconcile progress while closing', () => {
  it('shows main’s shift.reconcileProgress for this shift while closing only, never stepping back', async () => {
    const store = await signedInWithShift();
    let release: (r: IpcResultOf<'shift.close'>) => void = () => {};
    fakePos.answer('shift.close', () => new Promise((resolve) => (release = resolve)));
    // Not closing: ignored.
    fakePos.emit('shift.reconcileProgress', { shiftId: 7, checked: 1, total: 3 });
    expect(store.close.progress).toBeNull();
    store.startClose();
    store.close.totalText = '92.50';
    await store.confirmCount();
    const closing = store.submitClose();
    expect(store.close.step).toBe('closing');
    expect(store.close.progress).toBeNull();
    fakePos.emit('shift.reconcileProgress', { shiftId: 7, checked: 0, total: 300 });
    expect(store.close.progress).toEqual({ checked: 0, total: 300 });
    fakePos.emit('shift.reconcileProgress', { shiftId: 8, checked: 200, total: 300 }); // another till's shift
    fakePos.emit('shift.reconcileProgress', { shiftId: 7, checked: 120, total: 300 });
    fakePos.emit('shift.reconcileProgress', { shiftId: 7, checked: 100, total: 300 }); // late
    expect(store.close.progress).toEqual({ checked: 120, total: 300 });
    fakePos.emit('shift.reconcileProgress', { shiftId: 7, checked: 300, total: 300 });
    expect(store.close.progress).toEqual({ checked: 300, total: 300 });
    release({ ok: true, value: report({ title: 'Z', to: '2025-01-31T09:00:00.000Z', reconciliation: { matches: true, diffs: [], checked: 300 } }, { countedFen: 9_250, varianceFen: 0, counts: 1, firstCountedFen: 9_250, firstVarianceFen: 0 }) });
    expect(await closing).toBeNull();
    expect(store.close.progress).toBeNull();
  });
});

describe('the X report is blind for the cashier; the manager PIN opens it', () => {
  it('blind by default; a wrong PIN keeps the blind one on screen; the right PIN opens it and its print/export', async () => {
    const store = await signedInWithShift();
    expect(await store.loadXReport()).toBeNull();
    expect(calls('shift.xReport').at(-1)!.payload).toEqual({});
    expect(store.report?.blind).toBe(true);
    expect(store.reportPin).toBeNull();
    fakePos.answer('printer.printReport', () => ({ ok: true, value: { jobId: 1 } }));
    fakePos.answer('shift.export', () => ({ ok: true, value: { path: '/x.csv', fileName: 'x.csv', bytes: 1 } }));
    await store.print(store.reportTarget!);
    expect(calls('printer.printReport').at(-1)!.payload).toEqual({ shiftId: 7 });

    const wrong = await store.unlockReport({ kind: 'shift', shiftId: 7 }, '1234');
    expect(wrong).toMatchObject({ code: 'pin_required' });
    expect(store.report?.blind).toBe(true);
    expect(store.reportError).toBeNull();

    expect(await store.unlockReport({ kind: 'shift', shiftId: 7 }, '0000')).toBeNull();
    expect(store.report?.blind).toBe(false);
    expect(store.reportPin).toBe('0000');
    await store.print(store.reportTarget!);
    expect(calls('printer.printReport').at(-1)!.payload).toEqual({ shiftId: 7, managerPin: '0000' });
    await store.exportReport(store.reportTarget!, 'csv');
    expect(calls('shift.export').at(-1)!.payload).toEqual({ shiftId: 7, format: 'csv', managerPin: '0000' });

    // Cash moved: the manager's report is fetched again as the manager's.
    fakePos.answer('shift.cashMove', () => ({ ok: true, value: SHIFT }));
    await store.cashMove('in', 100, '换零钱');
    await Promise.resolve();
    expect(calls('shift.xReport').at(-1)!.payload).toEqual({ managerPin: '0000' });

    // The manager closes it: gone, PIN forgotten; the X report asked again is the cashier's.
    store.lockReport({ kind: 'shift', shiftId: 7 });
    expect(store.report).toBeNull();
    expect(store.reportPin).toBeNull();
    await store.loadXReport();
    expect(store.report?.blind).toBe(true);
  });

  it('日结 with a shift still open: blind, opened by the manager, its print carries the PIN; sign-out drops it', async () => {
    const store = await signedInWithShift();
    fakePos.answer('shift.dayReport', (p) => (p.managerPin === '0000' ? { ok: true, value: report({ title: 'DAY' }) } : p.managerPin ? { ok: false, error: { code: 'pin_required', message: 'managerPin: wrong manager PIN' } } : { ok: true, value: blindX({ title: 'DAY' }) }));
    fakePos.answer('printer.printReport', () => ({ ok: true, value: { jobId: 1 } }));
    fakePos.answer('shift.signOut', () => ({ ok: true, value: null }));
    await store.loadDayReport('2025-01-31');
    expect(store.dayReport?.blind).toBe(true);
    expect(await store.unlockReport({ kind: 'day', date: '2025-01-31' }, '9999')).toMatchObject({ code: 'pin_required' });
    expect(store.dayReport?.blind).toBe(true);
    expect(store.dayError).toBeNull();
    expect(await store.unlockReport({ kind: 'day', date: '2025-01-31' }, '0000')).toBeNull();
    expect(store.dayReport?.blind).toBe(false);
    await store.print({ kind: 'day', date: '2025-01-31' });
    expect(calls('printer.printReport').at(-1)!.payload).toEqual({ date: '2025-01-31', managerPin: '0000' });
    await store.signOut();
    expect(store.dayReport).toBeNull();
    expect(store.dayPin).toBeNull();
  });
});
