// The sandbox ledger: fees and net receipts to the fen, settlement, withdrawals freezing and
// releasing money, the fault-injection hooks seen through the protocol, and a file ledger that
// survives a restart.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { createGatewayClient } from '../../../electron/gateway/client.js';
import { createClock } from '../../../electron/sandbox/clock.js';
import { Ledger, LedgerError, feeFor } from '../../../electron/sandbox/ledger.js';
import { startSandbox } from '../../../electron/sandbox/server.js';
import { ACCOUNT, no, scanParams } from '../gateway/fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'sandbox-ledger-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('fees and balances', () => {
  it('fee is amount × rate rounded half up, in integers', () => {
    expect(feeFor(1999, 3800)).toBe(8); // 7.5962
    expect(feeFor(1, 3800)).toBe(0);
    expect(feeFor(132, 3800)).toBe(1); // 0.5016 → 1
    expect(feeFor(131, 3800)).toBe(0); // 0.4978 → 0
    expect(feeFor(10_000_000_000, 3800)).toBe(38_000_000);
  });

  it('money adds up under any mix of payments, refunds, settlement and withdrawals (property)', () => {
    const op = fc.oneof(
      fc.record({ t: fc.constant('pay' as const), amount: fc.integer({ min: 1, max: 5_000_000 }) }),
      fc.record({ t: fc.constant('refund' as const), pick: fc.nat(), part: fc.double({ min: 0, max: 1, noNaN: true }) }),
      fc.record({ t: fc.constant('reverse' as const), pick: fc.nat() }),
      fc.record({ t: fc.constant('settle' as const) }),
      fc.record({ t: fc.constant('withdraw' as const), amount: fc.integer({ min: 1, max: 1_000_000 }), fail: fc.boolean() }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
        const ledger = new Ledger({ clock: createClock(1), feeRatePpm: 3800, settleAfterMs: 86_400_000, defaultMerchantNo: 'M' });
        try {
          let n = 0;
          const paid: string[] = [];
          for (const o of ops) {
            if (o.t === 'pay') {
              const made = ledger.insertOrder({ merchantNo: 'M', outTradeNo: `O${n++}`, method: 'weixin.scan_qr_code_pay', channel: 'weixin', kind: 'scan', amountFen: o.amount, scenario: 'instant', signType: 'MD5', notifyUrl: null, orderName: null, body: null, token: null, maskedAuthCode: null, state: 'paid', resolveAtMs: null });
              paid.push(made!.outTradeNo);
            } else if ((o.t === 'refund' || o.t === 'reverse') && paid.length > 0) {
              const order = ledger.order(paid[o.pick % paid.length]!)!;
              const left = order.amountFen - order.refundedFen;
              if (left <= 0 || order.state !== 'paid') continue;
              const amount = o.t === 'reverse' ? left : Math.max(1, Math.floor(left * o.part));
              // The gateway refuses (15503) a refund the settled balance cannot pay.
              if (ledger.refundShortfall(order, amount) !== null) continue;
              ledger.insertRefund(order, `R${n++}`, amount, o.t, null);
              if (o.t === 'reverse') ledger.markClosedRow(order.outTradeNo, 'M', 'refunded', 'reverse');
            } else if (o.t === 'settle') {
              ledger.settleAll();
            } else if (o.t === 'withdraw') {
              const b = ledger.balances();
              if (ledger.hasProcessingWithdrawal('M') || o.amount + 200 > b.balanceFen) continue;
              ledger.insertWithdrawal({ merchantNo: 'M', via: 'merchant', outTradeNo: `W${n++}`, amountFen: o.amount, feeFen: 200, willFail: o.fail, account: {}, completeAfterRealMs: 0 });
              if (o.fail) ledger.completeWithdrawals('failed');
            }
          }
          const orders = ledger.orders();
          const b = ledger.balances();
          const netSum = orders.reduce((s, o) => s + o.netFen, 0);
          const withdrawn = ledger.withdrawals().filter((w) => w.state !== 'failed').reduce((s, w) => s + w.amountFen + w.feeFen, 0);
          expect(b.unliquidatedFen + b.balanceFen + b.freezeFen).toBe(netSum - withdrawn + b.withdrawnFen - b.withdrawnFen);
          expect(b.balanceFen + b.freezeFen + b.withdrawnFen + b.unliquidatedFen).toBe(netSum);
          expect(b.balanceFen).toBeGreaterThanOrEqual(0);
          for (const o of orders) {
            const feeBack = o.refunds.reduce((s, r) => s + r.feeBackFen, 0);
            expect(feeBack).toBeLessThanOrEqual(o.feeFen);
            expect(o.netFen).toBeGreaterThanOrEqual(0);
            if (o.refundedFen === o.amountFen) expect(o.netFen).toBe(0); // a full refund gives the whole fee back
          }
        } finally {
          ledger.close();
        }
      }),
      { numRuns: 60 },
    );
  });

  it('paid orders are unliquidated until settled (T+1), then withdrawable; a failing withdrawal releases its money', async () => {
    const sb = await startSandbox({ timeScale: 0.000001, settleAfterMs: 100 * 3600_000, withdrawAfterMs: 100 * 3600_000 }); // both 360 ms real: slack for a loaded machine
    try {
      const c = createGatewayClient({ gatewayUrl: sb.gatewayUrl, appId: sb.appId, signType: 'MD5', secret: sb.secret });
      for (const amount of [10_000, 20_000, 33]) {
        const { method, params } = scanParams('weixin', sb.merchantNo, amount);
        expect((await c.call(method, params as never)).kind).toBe('ok');
      }
      const net = 10_000 - 38 + (20_000 - 76) + 33;
      expect(sb.ledger.balances()).toMatchObject({ unliquidatedFen: net, balanceFen: 0 });
      await new Promise((r) => setTimeout(r, 450));
      expect(sb.ledger.balances()).toMatchObject({ unliquidatedFen: 0, balanceFen: net });
      const w = no('W');
      const r = await c.call('merchant.withdraw', { merchant_no: sb.merchantNo, out_trade_no: w, amount: 5_000, ...ACCOUNT, bakn_account_no: '6222000000004444' });
      expect(r.kind).toBe('ok');
      expect(sb.ledger.balances()).toMatchObject({ freezeFen: 5_200, balanceFen: net - 5_200 });
      await new Promise((r2) => setTimeout(r2, 450));
      const q = await c.call('merchant.withdraw_query', { merchant_no: sb.merchantNo, out_trade_no: w });
      expect(q.kind === 'ok' && q.result).toMatchObject({ trade_status: 2, withdraw_state: 'failed' });
      expect(sb.ledger.balances()).toMatchObject({ freezeFen: 0, balanceFen: net, withdrawnFen: 0 });
    } finally {
      await sb.close();
    }
  });
});

describe('fault injection, seen through the protocol', () => {
  it('mark paid, change an amount, add an order, refund elsewhere, delete an order', async () => {
    const sb = await startSandbox({ timeScale: 0.001 });
    try {
      const c = createGatewayClient({ gatewayUrl: sb.gatewayUrl, appId: sb.appId, signType: 'MD5', secret: sb.secret });
      const q = async (otn: string) => c.call('trade.query', { merchant_no: sb.merchantNo, out_trade_no: otn });
      // A declined order the gateway then says is paid.
      const d = scanParams('weixin', sb.merchantNo, 500, '03');
      await c.call(d.method, d.params as never);
      const otn = String(d.params['out_trade_no']);
      expect(sb.ledger.markPaid(otn)).toMatchObject({ state: 'paid', amountFen: 500 });
      expect(await q(otn)).toMatchObject({ kind: 'ok', result: { state: 'paid', trade_status: 'SUCCESS' } });
      // Another amount at the gateway.
      sb.ledger.setAmount(otn, 501);
      expect(await q(otn)).toMatchObject({ kind: 'ok', result: { total_amount: 501 } });
      // An order the till never made.
      sb.ledger.injectOrder({ outTradeNo: 'GHOST_1', amountFen: 777, method: 'alipay.scan_qr_code_pay' });
      expect(await q('GHOST_1')).toMatchObject({ kind: 'ok', result: { total_amount: 777, state: 'paid', trade_status: 'TRADE_SUCCESS' } });
      // A refund made elsewhere.
      sb.ledger.injectRefund('GHOST_1', 77);
      expect(sb.ledger.order('GHOST_1')).toMatchObject({ refundedFen: 77, refunds: [{ kind: 'injected', amountFen: 77 }] });
      // A forced state, and an order the gateway lost.
      sb.ledger.setState('GHOST_1', 'closed');
      expect(await q('GHOST_1')).toMatchObject({ kind: 'ok', result: { state: 'refunded' } }); // closed with a pay time
      sb.ledger.deleteOrder(otn);
      expect(await q(otn)).toMatchObject({ kind: 'rejected', code: 12002 });
      expect(sb.ledger.orders().map((o) => o.outTradeNo)).toEqual(['GHOST_1']);
      expect(() => sb.ledger.setAmount('NOPE', 1)).toThrow(LedgerError);
      expect(() => sb.ledger.injectRefund('GHOST_1', 10_000)).toThrow(LedgerError);
    } finally {
      await sb.close();
    }
  });
});

describe('refunds the settled balance cannot pay', () => {
  it('are refused with 15503, whether asked as a refund or as a reverse of a paid order', async () => {
    const sb = await startSandbox({ timeScale: 0.001 });
    try {
      const c = createGatewayClient({ gatewayUrl: sb.gatewayUrl, appId: sb.appId, signType: 'MD5', secret: sb.secret });
      const pay = scanParams('weixin', sb.merchantNo, 202);
      expect((await c.call(pay.method, pay.params as never)).kind).toBe('ok');
      const otn = String(pay.params['out_trade_no']);
      const tradeNo = sb.ledger.order(otn)!.tradeNo!;
      sb.ledger.settleAll();
      const balance = sb.ledger.balances().balanceFen;
      // Leave less than the order's net in the settled balance.
      sb.ledger.adjustBalance(-(balance - 1), 'test: money paid out elsewhere');
      const refund = await c.call('trade.refund', { out_trade_no: otn, out_refund_no: no('R'), refund_fee: 202 });
      expect(refund).toMatchObject({ kind: 'rejected', code: 15503 });
      const reverse = await c.call('trade.reverse', { out_trade_no: otn, trade_no: tradeNo });
      expect(reverse).toMatchObject({ kind: 'rejected', code: 15503 });
      expect(sb.ledger.order(otn)).toMatchObject({ state: 'paid', refundedFen: 0 });
      expect(sb.ledger.balances().balanceFen).toBe(1);
      // With the money back, the same reverse goes through.
      sb.ledger.adjustBalance(1_000, 'test: top up');
      expect(await c.call('trade.reverse', { out_trade_no: otn, trade_no: tradeNo })).toMatchObject({ kind: 'ok' });
      expect(sb.ledger.order(otn)).toMatchObject({ refundedFen: 202 });
    } finally {
      await sb.close();
    }
  });
});

describe('a file ledger', () => {
  it('keeps orders across a restart and keeps platform numbers unique', async () => {
    const dbPath = join(dir, 'ledger.sqlite');
    const first = await startSandbox({ dbPath });
    const c1 = createGatewayClient({ gatewayUrl: first.gatewayUrl, appId: first.appId, signType: 'MD5', secret: first.secret });
    const a = scanParams('weixin', first.merchantNo, 1234);
    const ra = await c1.call(a.method, a.params as never);
    await first.close();
    const second = await startSandbox({ dbPath });
    try {
      const c2 = createGatewayClient({ gatewayUrl: second.gatewayUrl, appId: second.appId, signType: 'MD5', secret: second.secret });
      const q = await c2.call('trade.query', { merchant_no: second.merchantNo, out_trade_no: String(a.params['out_trade_no']) });
      expect(q).toMatchObject({ kind: 'ok', result: { total_amount: 1234, state: 'paid' } });
      const b = scanParams('weixin', second.merchantNo, 1);
      const rb = await c2.call(b.method, b.params as never);
      expect(rb.kind === 'ok' && ra.kind === 'ok' && rb.result.trade_no !== ra.result.trade_no).toBe(true);
    } finally {
      await second.close();
    }
  });

  it('refuses a ledger written by a newer sandbox', () => {
    const dbPath = join(dir, 'newer.sqlite');
    const db = new Database(dbPath);
    db.pragma('user_version = 99');
    db.close();
    expect(() => new Ledger({ dbPath, clock: createClock(1), feeRatePpm: 0, settleAfterMs: 0, defaultMerchantNo: 'M' })).toThrow(/newer/);
  });
});
