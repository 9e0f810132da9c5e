// Shift close and 日结 reconciled against a real sandbox gateway on 127.0.0.1: real journal file,
// real payment engine making the sales (stamped with the open shift), real gateway client, and
// mismatches injected into the sandbox's ledger (the truth a reconciliation is checked against).
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox } from '../../../electron/sandbox/server.js';
import { createGatewayClient } from '../../../electron/gateway/client.js';
import { Journal } from '../../../electron/journal/journal.js';
import { PaymentEngine } from '../../../electron/checkout/engine.js';
import { ManagerPin } from '../../../electron/app/manager-pin.js';
import { ShiftService, type CloseInput } from '../../../electron/shift/service.js';
import { normalizeDoc, renderDoc } from '../../../electron/printer/documents.js';
import { decodeToPrinted } from '../../../electron/printer/decode.js';
import { eventSchemas, type EventPayload, type PaymentView } from '../../../shared/ipc/contract.js';
import { EventBus } from '../../../electron/app/bus.js';
import { RECONCILE_PROGRESS_MS } from '../../../electron/shift/service.js';
import { startNotifyReceiver, type NotifyReceiver } from '../../../electron/notify/receiver.js';
import { md5Signer } from '../../../electron/gateway/sign.js';

const TIME_SCALE = 0.01;
const weixinCode = (suffix: string, n: number) => `13${String(n).padStart(14, '0')}${suffix}`;
const alipayCode = (suffix: string, n: number) => `28${String(n).padStart(14, '0')}${suffix}`;

async function deadUrl(): Promise<string> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return `http://127.0.0.1:${port}/gateway`;
}

/** shift.reconcileProgress as the EventBus carries it, with the pacing clock's reading when sent. */
type ProgressSeen = EventPayload<'shift.reconcileProgress'> & { atMs: number };

async function rig(opts: { gatewayUrl?: string; reconcileConcurrency?: number; monotonicNow?: () => number; peek?: () => number; notFoundHorizonMs?: number; payDeadlineMs?: number; refundLate?: boolean; callbacks?: boolean } = {}) {
  const bus = new EventBus();
  const progress: ProgressSeen[] = [];
  const clock = opts.monotonicNow ?? (() => performance.now());
  // The pacing clock's reading when an event arrives (without moving a test's stepping clock).
  const peek = opts.peek ?? clock;
  const sandbox = await startSandbox({ timeScale: TIME_SCALE });
  const dir = mkdtempSync(join(tmpdir(), 'pos-shift-int-'));
  const journal = Journal.open({ path: join(dir, 'journal.db'), terminalId: 'T01' });
  const gateway = createGatewayClient({ gatewayUrl: sandbox.gatewayUrl, appId: sandbox.appId, signType: 'MD5', secret: sandbox.secret });
  const pin = new ManagerPin(dir);
  const shifts: ShiftService = new ShiftService({
    journal,
    gateway: opts.gatewayUrl ? createGatewayClient({ gatewayUrl: opts.gatewayUrl, appId: sandbox.appId, signType: 'MD5', secret: sandbox.secret, timeoutMs: 300 }) : gateway,
    merchantNo: sandbox.merchantNo,
    checkManagerPin: (p) => pin.check(p),
    reconcileTimeoutMs: 300,
    reconcileConcurrency: opts.reconcileConcurrency,
    bus,
    monotonicNow: clock,
    ...(opts.refundLate === false ? {} : { onGatewayPaid: (outTradeNo: string, tradeNo: string | null): Promise<boolean> => engine.applyGatewayPaid(outTradeNo, tradeNo, 'reconcile') }),
  });
  bus.subscribe((event, payload) => {
    if (event !== 'shift.reconcileProgress') return;
    // Every event as a window gets it: valid against the contract.
    const p = eventSchemas['shift.reconcileProgress'].parse(payload);
    progress.push({ ...p, atMs: peek() });
  });
  // With callbacks: the sandbox calls back the real receiver, which verifies and hands them to the engine.
  const notify: NotifyReceiver | null = opts.callbacks
    ? await startNotifyReceiver({ port: 0, path: '/notify', signer: md5Signer(sandbox.secret), apply: (n) => engine.applyPaidNotice(n) })
    : null;
  const engine: PaymentEngine = new PaymentEngine({
    journal,
    gateway,
    merchantNo: sandbox.merchantNo,
    terminalId: 'T01',
    ...(notify ? { notifyUrl: notify.url } : {}),
    currentShiftId: () => shifts.currentShiftId(),
    config: { requestTimeoutMs: 500, queryIntervalMs: 40, payDeadlineMs: opts.payDeadlineMs ?? 800, qrDeadlineMs: 800, reconcileIntervalMs: 100, probeIntervalMs: 50, tickMs: 0, notFoundHorizonMs: opts.notFoundHorizonMs ?? 1_500 },
  });
  await shifts.addCashier({ id: 'C07', name: '王小明', pin: '2468' }, '0000');
  await shifts.signIn('C07', '2468');
  return {
    sandbox,
    journal,
    shifts,
    engine,
    progress,
    /** The close as the screen makes it: the count recorded (shift.count), then the close with it. */
    countAndClose(input: CloseInput, o?: Parameters<ShiftService['close']>[1]) {
      shifts.reviewCount({ countedFen: input.countedFen });
      return shifts.close(input, o);
    },
    async scan(amountFen: number, code: string): Promise<PaymentView> {
      const v = await engine.startScan({ amountFen, authCode: code });
      expect(['paid', 'declined'], `${v.outTradeNo} ${v.state}`).toContain(v.state);
      return v;
    },
    async close() {
      await notify?.close();
      await engine.stop();
      journal.close();
      await sandbox.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

let r: Awaited<ReturnType<typeof rig>> | null = null;
afterEach(async () => {
  await r?.close();
  r = null;
});

describe('shift close reconciled with the sandbox gateway', () => {
  it('a clean shift matches the gateway to the fen; every gateway order was queried', async () => {
    r = await rig();
    const { shiftId } = r.shifts.open(20_000);
    await r.scan(1_999, weixinCode('11', 1));
    await r.scan(2_500, weixinCode('12', 2));
    await r.scan(12_345, alipayCode('13', 3));
    const declined = await r.scan(600, weixinCode('03', 4)); // declined: at the gateway too
    expect(declined.state).toBe('declined');
    r.engine.cash({ amountFen: 3_000, tenderedFen: 5_000 });
    const progress: number[] = [];
    const z = await r.countAndClose({ countedFen: 23_000 }, { onProgress: (done) => progress.push(done) });
    expect(z.reconciliation).toEqual({ matches: true, diffs: [], checked: 4, confirmed: 0 });
    expect(progress).toEqual([1, 2, 3, 4]);
    expect(z.channels.find((c) => c.channel === 'weixin')).toMatchObject({ salesCount: 2, salesFen: 4_499, netFen: 4_499 });
    expect(z.channels.find((c) => c.channel === 'alipay')).toMatchObject({ salesCount: 1, salesFen: 12_345 });
    expect(z.totalNetFen).toBe(4_499 + 12_345 + 3_000);
    expect(z.cash).toMatchObject({ expectedFen: 23_000, countedFen: 23_000, varianceFen: 0 });
    // The Z report prints and says so.
    const n = normalizeDoc({ kind: 'report', report: z, shopName: '沙箱便利店', terminalId: 'T01', printedAt: new Date().toISOString() });
    expect(n.ok).toBe(true);
    const printed = decodeToPrinted(renderDoc(n.ok ? n.doc : (null as never), { paper: '58mm' }));
    expect(printed.text.replace(/\n/g, '')).toContain('与网关核对一致，精确到分');
    expect(r.shifts.report(shiftId)).toEqual(z);
  });

  it('a payment the till closed but the gateway has as paid is found by the close, refunded, and the close waits for it', async () => {
    // Wait 0.2 s, horizon 0.3 s: the till closes the order as not found before the sandbox records it (0.6 s).
    r = await rig({ payDeadlineMs: 200, notFoundHorizonMs: 300 });
    r.shifts.open(0);
    const v = await r.engine.startScan({ amountFen: 880, authCode: weixinCode('07', 9) });
    const rr = r;
    await expect.poll(() => rr.journal.attempt(v.outTradeNo)!.state, { timeout: 15_000 }).toBe('closed');
    await expect.poll(() => rr.sandbox.ledger.order(v.outTradeNo)?.state ?? null, { timeout: 15_000 }).toBe('paid');
    await expect(r.countAndClose({ countedFen: 0 })).rejects.toMatchObject({ code: 'conflict', message: expect.stringContaining(`${v.outTradeNo} (paid_after_close)`) });
    await expect.poll(() => rr.journal.attempt(v.outTradeNo)!.state, { timeout: 15_000 }).toBe('refunded');
    expect(r.journal.timeline(r.journal.attempt(v.outTradeNo)!.id).map((t) => [t.toState, t.source])).toContainEqual(['paid_after_close', 'reconcile']);
    expect(r.sandbox.ledger.order(v.outTradeNo)).toMatchObject({ state: 'refunded', netFen: 0 });
    const z = await r.countAndClose({ countedFen: 0 });
    expect(z.reconciliation).toMatchObject({ matches: true, diffs: [] });
  });

  it('injected mismatches are each found with their cause, and the report says what differs', async () => {
    // The reconciliation alone: the engine is not told of the order paid there (the test above is).
    r = await rig({ refundLate: false });
    r.shifts.open(0);
    const amount = await r.scan(1_000, weixinCode('21', 1));
    const declined = await r.scan(1_200, weixinCode('03', 2));
    const refundedThere = await r.scan(1_500, weixinCode('22', 3));
    const missing = await r.scan(1_700, alipayCode('23', 4));
    const closedThere = await r.scan(1_900, weixinCode('24', 5));
    const fine = await r.scan(2_100, weixinCode('25', 6));
    const ledger = r.sandbox.ledger;
    ledger.setAmount(amount.outTradeNo, 1_001);
    ledger.markPaid(declined.outTradeNo);
    ledger.injectRefund(refundedThere.outTradeNo, 500);
    ledger.deleteOrder(missing.outTradeNo);
    ledger.setState(closedThere.outTradeNo, 'closed');

    const z = await r.countAndClose({ countedFen: 0 });
    expect(z.reconciliation!.matches).toBe(false);
    expect(z.reconciliation!.checked).toBe(6);
    const found = z.reconciliation!.diffs.map((d) => [d.outTradeNo, d.cause]);
    expect(found).toEqual([
      [amount.outTradeNo, 'amount_differs'],
      [declined.outTradeNo, 'paid_at_gateway_not_here'],
      [refundedThere.outTradeNo, 'refunded_elsewhere'],
      [missing.outTradeNo, 'missing_at_gateway'],
      [closedThere.outTradeNo, 'state_differs'],
    ]);
    expect(found.map(([no]) => no)).not.toContain(fine.outTradeNo);
    const d = Object.fromEntries(z.reconciliation!.diffs.map((x) => [x.outTradeNo, x]));
    expect(d[amount.outTradeNo]).toMatchObject({ journal: 'paid 10.00', gateway: 'paid 10.01 (SUCCESS)' });
    expect(d[declined.outTradeNo]).toMatchObject({ journal: 'declined 12.00', gateway: 'paid 12.00 (SUCCESS)' });
    expect(d[refundedThere.outTradeNo]).toMatchObject({ gateway: 'paid 15.00 (REFUND)' });
    expect(d[missing.outTradeNo]).toMatchObject({ gateway: 'no such order (12002)' });

    // The printed Z lists each difference with its cause.
    const n = normalizeDoc({ kind: 'report', report: z, shopName: '沙箱便利店', terminalId: 'T01', printedAt: new Date().toISOString() });
    const printed = decodeToPrinted(renderDoc(n.ok ? n.doc : (null as never), { paper: '80mm' }));
    expect(printed.text).toMatch(/差异 +5/);
    for (const cause of ['金额不符', '网关已支付，本机未记为支付', '在别处退款', '网关无此订单', '状态不符']) expect(printed.text).toContain(cause);
    expect(printed.text).not.toContain('与网关核对一致');
  });

  it('does not ask again what a verified callback confirmed, says so, and asks again after a refund', async () => {
    r = await rig({ callbacks: true });
    r.shifts.open(0);
    // Alipay's scan pay calls back (WeChat's 刷卡支付 has no notify_url: the confirmer asks those).
    const a = await r.scan(1_000, alipayCode('41', 1));
    const b = await r.scan(2_000, alipayCode('42', 2));
    const c = await r.scan(3_000, alipayCode('43', 3));
    // The sandbox's callbacks arrive on their own; wait until all three are confirmed.
    for (let i = 0; i < 200 && [a, b, c].some((v) => r!.journal.confirmations.confirmedBy(v.outTradeNo) !== 'callback'); i++) await new Promise((res) => setTimeout(res, 20));
    expect([a, b, c].map((v) => r!.journal.confirmations.confirmedBy(v.outTradeNo))).toEqual(['callback', 'callback', 'callback']);
    // A refund after the callback: that order is asked again.
    await r.engine.refund({ outTradeNo: c.outTradeNo, amountFen: 500 });
    expect(r.journal.confirmations.confirmedBy(c.outTradeNo)).toBeNull();
    const z = await r.countAndClose({ countedFen: 0 });
    expect(z.reconciliation).toEqual({ matches: true, diffs: [], checked: 1, confirmed: 2 });
    // The Z report says it, on paper too.
    const n = normalizeDoc({ kind: 'report', report: z, shopName: '沙箱便利店', terminalId: 'T01', printedAt: new Date().toISOString() });
    const printed = decodeToPrinted(renderDoc(n.ok ? n.doc : (null as never), { paper: '80mm' }));
    expect(printed.text).toMatch(/网关已确认（未再查询） +2/);
    // The close's own match confirms c: a 日结 afterwards asks nothing; 'all' asks all three again.
    expect(r.journal.confirmations.confirmedBy(c.outTradeNo)).toBe('reconcile');
    const date = r.journal.attempt(a.outTradeNo)!.businessDate;
    expect((await r.shifts.dayReport(date, { reconcile: 'all' })).reconciliation).toEqual({ matches: true, diffs: [], checked: 3, confirmed: 0 });
  });

  it('the background confirmer asks each final order once while the shift is open; the close asks only what is new', async () => {
    r = await rig();
    r.shifts.open(0);
    const first = [await r.scan(1_000, weixinCode('51', 1)), await r.scan(2_000, weixinCode('52', 2)), await r.scan(3_000, alipayCode('53', 3))];
    // The first tick only notes how far to go: an order is asked when it is one interval old.
    expect(await r.shifts.confirmTick()).toBe(0);
    const later = await r.scan(4_000, weixinCode('54', 4));
    expect(await r.shifts.confirmTick()).toBe(3);
    expect(first.map((v) => r!.journal.confirmations.confirmedBy(v.outTradeNo))).toEqual(['reconcile', 'reconcile', 'reconcile']);
    expect(r.journal.confirmations.confirmedBy(later.outTradeNo)).toBeNull();
    await r.scan(5_000, weixinCode('55', 5));
    expect(await r.shifts.confirmTick()).toBe(1); // `later`; the fifth is too new
    expect(await r.shifts.confirmTick()).toBe(1); // the fifth
    expect(await r.shifts.confirmTick()).toBe(0); // nothing is asked twice
    const fresh = await r.scan(6_000, weixinCode('56', 6));
    const z = await r.countAndClose({ countedFen: 0 });
    expect(z.reconciliation).toEqual({ matches: true, diffs: [], checked: 1, confirmed: 5 });
    expect(r.journal.confirmations.confirmedBy(fresh.outTradeNo)).toBe('reconcile');
  });

  it('日结: the day over both shifts reuses the shift reconciliations, and a full re-query finds what changed since', async () => {
    r = await rig();
    r.shifts.open(0);
    const a = await r.scan(1_000, weixinCode('31', 1));
    await r.countAndClose({ countedFen: 0 });
    r.shifts.open(0);
    const b = await r.scan(2_000, alipayCode('32', 2));
    await r.countAndClose({ countedFen: 0 });
    // A refund made in the merchant back office after both shifts closed.
    r.sandbox.ledger.injectRefund(a.outTradeNo, 1_000);
    const date = r.journal.attempt(a.outTradeNo)!.businessDate;
    const reused = await r.shifts.dayReport(date);
    expect(reused).toMatchObject({ title: 'DAY', shiftIds: [1, 2], totalNetFen: 3_000 });
    expect(reused.reconciliation).toEqual({ matches: true, diffs: [], checked: 2, confirmed: 0 });
    const all = await r.shifts.dayReport(date, { reconcile: 'all' });
    expect(all.reconciliation!.diffs.map((x) => [x.outTradeNo, x.cause])).toEqual([[a.outTradeNo, 'refunded_elsewhere']]);
    expect(all.reconciliation!.diffs.map((x) => x.outTradeNo)).not.toContain(b.outTradeNo);
  });

  it('shift.reconcileProgress on the bus: monotonic counts of the close’s gateway orders, ending at the total', async () => {
    r = await rig({ reconcileConcurrency: 3 });
    const { shiftId } = r.shifts.open(0);
    const n = 15;
    for (let i = 0; i < n; i++) await r.scan(100 + i, weixinCode('50', i));
    r.engine.cash({ amountFen: 500, tenderedFen: 500 }); // cash: not a gateway order
    await r.countAndClose({ countedFen: 500 });
    const seen = r.progress;
    expect(seen.length).toBeGreaterThanOrEqual(2);
    expect(seen.every((p) => p.shiftId === shiftId && p.total === n)).toBe(true);
    // Told at once (nothing checked yet), then only forward, and the end always.
    expect(seen[0]).toMatchObject({ checked: 0, total: n });
    for (let i = 1; i < seen.length; i++) expect(seen[i]!.checked).toBeGreaterThanOrEqual(seen[i - 1]!.checked);
    expect(seen.at(-1)).toMatchObject({ checked: n, total: n });
  });

  it('paced: at most one progress event per RECONCILE_PROGRESS_MS of the clock, plus the end', async () => {
    // A clock that moves 70 ms at each reading: the pacing is checked without depending on speed.
    let t = 0;
    r = await rig({ reconcileConcurrency: 2, monotonicNow: () => (t += 70), peek: () => t });
    const { shiftId } = r.shifts.open(0);
    const n = 12;
    for (let i = 0; i < n; i++) await r.scan(200 + i, alipayCode('51', i));
    await r.countAndClose({ countedFen: 0 });
    const seen = r.progress;
    const paced = seen.slice(0, -1);
    // Some progress between the start and the end, but fewer events than orders.
    expect(paced.length).toBeGreaterThan(1);
    expect(seen.length).toBeLessThan(n + 1);
    for (let i = 1; i < paced.length; i++) expect(paced[i]!.atMs - paced[i - 1]!.atMs).toBeGreaterThanOrEqual(RECONCILE_PROGRESS_MS);
    expect(paced.map((p) => p.checked)).toEqual([...paced.map((p) => p.checked)].sort((a, b) => a - b));
    expect(seen.at(-1)).toEqual({ shiftId, checked: n, total: n, atMs: expect.any(Number) });
  });

  it('a shift with no gateway order: one event, 0 of 0', async () => {
    r = await rig();
    const { shiftId } = r.shifts.open(0);
    r.engine.cash({ amountFen: 300, tenderedFen: 300 });
    await r.countAndClose({ countedFen: 300 });
    expect(r.progress.map(({ atMs: _a, ...p }) => p)).toEqual([{ shiftId, checked: 0, total: 0 }]);
  });

  it('gateway unreachable at close: the shift still closes, every gateway order listed as not checked', async () => {
    r = await rig({ gatewayUrl: await deadUrl(), reconcileConcurrency: 2 });
    r.shifts.open(0);
    const orders: string[] = [];
    for (let i = 0; i < 12; i++) orders.push((await r.scan(100 + i, weixinCode('40', i))).outTradeNo);
    const z = await r.countAndClose({ countedFen: 0 });
    expect(z.reconciliation!.matches).toBe(false);
    expect(z.reconciliation!.checked).toBe(0);
    expect(z.reconciliation!.diffs.map((d) => d.outTradeNo)).toEqual(orders);
    expect(new Set(z.reconciliation!.diffs.map((d) => d.cause))).toEqual(new Set(['not_checked']));
    // After RECONCILE_GIVE_UP_AFTER_FAILURES the rest are not asked at all.
    expect(z.reconciliation!.diffs.some((d) => d.gateway.includes('not asked: the gateway did not answer'))).toBe(true);
    expect(r.shifts.current()).toBeNull();
  });
});
