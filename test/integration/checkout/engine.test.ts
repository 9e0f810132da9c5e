// The payment engine against the real sandbox gateway over HTTP, with a real journal file:
// every sandbox scenario, cancel, deadline → reverse, a payment landing before the reverse,
// QR payments, refunds, cash, recovery after a crash and the offline rules.
import { afterEach, describe, expect, it } from 'vitest';
import { PosError } from '../../../shared/ipc/errors.js';
import { alipayCode, isFinal, weixinCode, withRig } from './setup.js';

type Rig = Awaited<ReturnType<typeof withRig>>;
let rig: Rig | null = null;
afterEach(async () => {
  if (rig) {
    expect(rig.journal.checkInvariants()).toEqual([]);
    await rig.close();
  }
  rig = null;
});

async function rigged(opts: Parameters<typeof withRig>[0] = {}): Promise<Rig> {
  rig = await withRig(opts);
  return rig;
}

describe('scan payment', () => {
  it('paid at once (WeChat and Alipay): journaled before the request, paid with the gateway trade_no', async () => {
    const r = await rigged();
    const seen: string[] = [];
    r.engine.on('progress', (v) => seen.push(v.state));
    const w = await r.engine.startScan({ amountFen: 1999, authCode: weixinCode('77') });
    expect(w).toMatchObject({ state: 'paid', channel: 'weixin', kind: 'scan', amountFen: 1999, maskedAuthCode: '1300**********0077' });
    expect(w.tradeNo).toBe(r.sandbox.ledger.order(w.outTradeNo)!.tradeNo);
    expect(seen).toEqual(['created', 'paid']);
    const a = await r.engine.startScan({ amountFen: 1, authCode: alipayCode('88') });
    expect(a).toMatchObject({ state: 'paid', channel: 'alipay', method: 'alipay.scan_qr_code_pay' });
    expect(r.sandbox.ledger.order(a.outTradeNo)).toMatchObject({ state: 'paid', amountFen: 1 });
    expect(r.journal.timeline(r.journal.attempt(w.outTradeNo)!.id).map((t) => t.toState)).toEqual(['created', 'paid']);
  });

  it('01: the customer confirms on the phone — pending, polled, then paid', async () => {
    const r = await rigged();
    const v = await r.engine.startScan({ amountFen: 500, authCode: weixinCode('01') });
    expect(v.state).toBe('pending');
    expect(v.secondsLeft).toBeGreaterThan(0);
    expect(r.engine.current()?.outTradeNo).toBe(v.outTradeNo);
    await expect(r.engine.startScan({ amountFen: 1, authCode: weixinCode('77') })).rejects.toMatchObject({ code: 'conflict' });
    const done = await r.waitFor(v.outTradeNo, isFinal);
    expect(done.state).toBe('paid');
    expect(r.sandbox.ledger.order(v.outTradeNo)!.state).toBe('paid');
  });

  it('02: the customer cancels on the phone — closed, never paid', async () => {
    const r = await rigged();
    const v = await r.engine.startScan({ amountFen: 500, authCode: alipayCode('02') });
    expect(v.state).toBe('pending');
    const done = await r.waitFor(v.outTradeNo, isFinal);
    expect(done.state).toBe('closed');
    expect(r.sandbox.ledger.order(v.outTradeNo)!.state).toBe('closed');
  });

  it('03: declined at once; a new attempt on the same sale gets a new out_trade_no', async () => {
    const r = await rigged();
    const v = await r.engine.startScan({ amountFen: 500, authCode: weixinCode('03') });
    expect(v.state).toBe('declined');
    expect(v.reason).toBe('PAYERROR');
    const again = await r.engine.startScan({ amountFen: 500, authCode: weixinCode('55'), saleId: v.saleId });
    expect(again.outTradeNo).not.toBe(v.outTradeNo);
    expect(again).toMatchObject({ state: 'paid', saleId: v.saleId });
    await expect(r.engine.startScan({ amountFen: 500, authCode: weixinCode('56'), saleId: v.saleId })).rejects.toMatchObject({ code: 'conflict' });
  });

  it('04: charged but the answer comes after the timeout — unknown, settled by query as paid', async () => {
    const r = await rigged();
    const v = await r.engine.startScan({ amountFen: 777, authCode: weixinCode('04') });
    expect(v.state).toBe('pending');
    expect(v.reason).toMatch(/no answer within 500 ms/);
    expect((await r.waitFor(v.outTradeNo, isFinal)).state).toBe('paid');
  });

  it('05: charged but answered 1000 — unknown, never failed; settled by query as paid', async () => {
    const r = await rigged();
    const v = await r.engine.startScan({ amountFen: 778, authCode: alipayCode('05') });
    expect(v).toMatchObject({ state: 'pending', reasonCode: 'unknown' });
    expect((await r.waitFor(v.outTradeNo, isFinal)).state).toBe('paid');
  });

  it('06: an expired payment code is declined with the gateway reason; nothing at the gateway', async () => {
    const r = await rigged();
    const v = await r.engine.startScan({ amountFen: 100, authCode: weixinCode('06') });
    expect(v).toMatchObject({ state: 'declined', reasonCode: '10008' });
    expect(v.reason).toMatch(/auth_code/);
    expect(r.sandbox.ledger.order(v.outTradeNo)).toBeNull();
  });

  it('refuses a bad code or amount before anything is journaled or sent', async () => {
    const r = await rigged();
    await expect(r.engine.startScan({ amountFen: 100, authCode: '99123' })).rejects.toMatchObject({ code: 'invalid_payload', extra: { issues: [{ path: 'authCode' }] } });
    await expect(r.engine.startScan({ amountFen: 0, authCode: weixinCode('77') })).rejects.toMatchObject({ code: 'invalid_payload', extra: { issues: [{ path: 'amountFen' }] } });
    await expect(r.engine.startScan({ amountFen: 1.5, authCode: weixinCode('77') })).rejects.toBeInstanceOf(PosError);
    expect(r.journal.search({}).total).toBe(0);
    expect(r.sandbox.ledger.orders()).toEqual([]);
  });

  it('deadline: the customer does not confirm in time — reversed, closed, nothing charged', async () => {
    const r = await rigged({ config: { payDeadlineMs: 60 } });
    const v = await r.engine.startScan({ amountFen: 900, authCode: weixinCode('01') });
    const done = await r.waitFor(v.outTradeNo, isFinal);
    expect(done).toMatchObject({ state: 'closed' });
    const states = r.journal.timeline(r.journal.attempt(v.outTradeNo)!.id).map((t) => t.toState);
    expect(states).toEqual(['created', 'pending', 'reversing', 'closed']);
    expect(r.journal.reversal(r.journal.attempt(v.outTradeNo)!.id)).toMatchObject({ why: 'deadline', result: 'closed' });
    await new Promise((res) => setTimeout(res, 400)); // past the customer's 300 ms: still closed
    expect(r.sandbox.ledger.order(v.outTradeNo)).toMatchObject({ state: 'closed', closedBy: 'reverse' });
  });

  it('cancel while waiting: reversed at once', async () => {
    const r = await rigged();
    const v = await r.engine.startScan({ amountFen: 900, authCode: alipayCode('01') });
    const c = await r.engine.cancel(v.outTradeNo);
    expect(c).toMatchObject({ state: 'closed', reasonCode: 'closed' });
    expect(r.journal.reversal(r.journal.attempt(v.outTradeNo)!.id)).toMatchObject({ why: 'cancel', result: 'closed' });
    expect(r.sandbox.ledger.order(v.outTradeNo)!.state).toBe('closed');
    await expect(r.engine.cancel('NOPE')).rejects.toMatchObject({ code: 'not_found' });
  });

  it('a payment landing between the last query and the reverse is reversed as refunded', async () => {
    const r = await rigged();
    const v = await r.engine.startQr({ amountFen: 1234, method: 'alipay.qr_code_pay' });
    expect(v.qrUrl).toMatch(/\/pay\/[0-9a-f]{24}$/);
    expect(r.sandbox.customer.pay(v.outTradeNo)).toMatchObject({ ok: true }); // lands now…
    const c = await r.engine.cancel(v.outTradeNo); // …and the cashier cancels before the next query
    expect(c.state).toBe('refunded');
    expect(r.sandbox.ledger.order(v.outTradeNo)).toMatchObject({ state: 'refunded', refundedFen: 1234, netFen: 0 });
    expect(r.journal.channelTotals({ businessDate: r.journal.attempt(v.outTradeNo)!.businessDate })).toMatchObject([{ channel: 'alipay', salesFen: 1234, reversalsFen: 1234, netFen: 0 }]);
  });
});

describe('QR / link payment', () => {
  it('hands the URL over, settles by poll when the customer pays', async () => {
    const r = await rigged();
    const v = await r.engine.startQr({ amountFen: 4321, method: 'weixin.qr_code_pay' });
    expect(v).toMatchObject({ state: 'pending', kind: 'qr', channel: 'weixin' });
    r.sandbox.customer.pay(v.outTradeNo);
    expect((await r.waitFor(v.outTradeNo, isFinal)).state).toBe('paid');
  });

  it('closes by reverse when it expires here', async () => {
    const r = await rigged({ config: { qrDeadlineMs: 100 } });
    const v = await r.engine.startQr({ amountFen: 10, method: 'alipay.wap_pay' });
    expect((await r.waitFor(v.outTradeNo, isFinal)).state).toBe('closed');
    expect(r.sandbox.ledger.order(v.outTradeNo)).toMatchObject({ state: 'closed', closedBy: 'reverse' });
  });

  it('works for every QR-capable method the counter can start', async () => {
    const r = await rigged();
    for (const method of ['weixin.pay', 'weixin.qr_code_pay', 'weixin.h5_pay', 'alipay.qr_code_pay', 'alipay.ration_code', 'alipay.wap_pay', 'alipay.h5_pay', 'jd.pay', 'qq.unified', 'unionpay.gateway'] as const) {
      const v = await r.engine.startQr({ amountFen: 100, method });
      expect(v.qrUrl, method).toBeTruthy();
      r.sandbox.customer.pay(v.outTradeNo);
      expect((await r.waitFor(v.outTradeNo, isFinal)).state, method).toBe('paid');
    }
    await expect(r.engine.startQr({ amountFen: 100, method: 'unionpay.wap' })).rejects.toMatchObject({ code: 'invalid_payload', extra: { issues: [{ path: 'method' }] } });
  });

  it('a channel without reverse (JD) waits for the gateway to close the order', async () => {
    const r = await rigged({ timeScale: 0.0001, config: { qrDeadlineMs: 50 } }); // the sandbox closes unpaid QR orders after 2 h = 720 ms
    const v = await r.engine.startQr({ amountFen: 100, method: 'jd.pay' });
    const done = await r.waitFor(v.outTradeNo, isFinal, 8_000);
    expect(done.state).toBe('closed');
    expect(r.sandbox.ledger.order(v.outTradeNo)).toMatchObject({ state: 'closed', closedBy: 'expire' });
  });

  it('a channel without reverse whose create never reached the gateway is closed as not found', async () => {
    let dropped = 0;
    const fetchImpl: typeof fetch = (input, init) => {
      if (dropped === 0 && String(init?.body ?? '').includes('method=qq.unified')) {
        dropped++;
        return Promise.reject(new TypeError('fetch failed (ECONNRESET)'));
      }
      return fetch(input, init);
    };
    const r = await rigged({ fetchImpl });
    const v = await r.engine.startQr({ amountFen: 100, method: 'qq.unified' });
    expect(v).toMatchObject({ state: 'pending', qrUrl: null, reasonCode: 'create_unknown' });
    expect(r.engine.current()?.secondsLeft).toBe(0);
    const done = await r.waitFor(v.outTradeNo, isFinal);
    expect(done).toMatchObject({ state: 'closed', reasonCode: 'not_found' });
    expect(r.sandbox.ledger.order(v.outTradeNo)).toBeNull();
  });
});

describe('refunds, reverse, cash', () => {
  it('partial then full refund, out_refund_no stored first, amounts to the fen', async () => {
    const r = await rigged();
    const v = await r.engine.startScan({ amountFen: 1000, authCode: weixinCode('77') });
    const d1 = await r.engine.refund({ outTradeNo: v.outTradeNo, amountFen: 300, reason: 'broken cup' });
    expect(d1).toMatchObject({ refundedFen: 300, refundableFen: 700, refunds: [{ amountFen: 300, state: 'succeeded' }] });
    await expect(r.engine.refund({ outTradeNo: v.outTradeNo, amountFen: 701 })).rejects.toMatchObject({ code: 'invalid_payload' });
    const d2 = await r.engine.refund({ outTradeNo: v.outTradeNo });
    expect(d2).toMatchObject({ refundedFen: 1000, refundableFen: 0 });
    expect(r.sandbox.ledger.order(v.outTradeNo)).toMatchObject({ refundedFen: 1000 });
    expect(r.sandbox.ledger.refunds(v.outTradeNo).map((x) => x.outRefundNo)).toEqual(d2.refunds.map((x) => x.outRefundNo));
    await expect(r.engine.refund({ outTradeNo: v.outTradeNo })).rejects.toMatchObject({ code: 'conflict' });
  });

  it('manager reverse of a paid order records it refunded', async () => {
    const r = await rigged();
    const v = await r.engine.startScan({ amountFen: 1000, authCode: alipayCode('77') });
    const d = await r.engine.reverse(v.outTradeNo);
    expect(d.state).toBe('refunded');
    expect(r.journal.reversal(r.journal.attempt(v.outTradeNo)!.id)).toMatchObject({ why: 'manager', result: 'refunded' });
    expect(r.sandbox.ledger.order(v.outTradeNo)).toMatchObject({ state: 'refunded', netFen: 0 });
  });

  it('cash: tendered and change, no gateway; refunded from the drawer', async () => {
    const r = await rigged();
    expect(() => r.engine.cash({ amountFen: 1000, tenderedFen: 500 })).toThrow(/tenderedFen/);
    const c = r.engine.cash({ amountFen: 1250, tenderedFen: 2000, lines: [{ name: 'tea', qty: 5, unitFen: 250 }] });
    expect(c).toMatchObject({ amountFen: 1250, tenderedFen: 2000, changeFen: 750 });
    expect(() => r.engine.cash({ amountFen: 1250, tenderedFen: 2000, lines: [{ name: 'tea', qty: 1, unitFen: 250 }] })).toThrow(/lines/);
    const row = r.engine.search({ channel: 'cash' }).rows[0]!;
    const d = await r.engine.refund({ outTradeNo: row.outTradeNo, amountFen: 250 });
    expect(d).toMatchObject({ refundedFen: 250, refunds: [{ state: 'succeeded' }] });
    expect(r.sandbox.ledger.orders()).toEqual([]);
  });
});

describe('a payment that lands after the till gave up (issue 14)', () => {
  it('07: "not found" while reversing is not final; the late payment is reversed, never closed', async () => {
    // Landing at 1.8 s (60 sandbox s), after the 0.6 s wait; the horizon (4 s) is past the landing.
    const r = await rigged({ config: { payDeadlineMs: 600, notFoundHorizonMs: 4_000 } });
    const states: string[] = [];
    const v = await r.engine.startScan({ amountFen: 4321, authCode: weixinCode('07') });
    r.engine.on('progress', (p) => {
      if (p.outTradeNo === v.outTradeNo) states.push(p.state);
    });
    expect(v.state).toBe('pending');
    const done = await r.waitFor(v.outTradeNo, isFinal, 10_000);
    expect(done).toMatchObject({ state: 'refunded' });
    expect(states).not.toContain('closed');
    expect(r.sandbox.ledger.order(v.outTradeNo)).toMatchObject({ state: 'refunded', netFen: 0 });
    // It was told "no such order" at least once before the landing, and kept going.
    expect(r.journal.audit.entries().filter((e) => e.kind === 'attempt.not_found' && e.subject === v.outTradeNo).length).toBeGreaterThan(0);
  });

  it('past the horizon it closes "not found after N checks over T s"; a later query finding it paid owes and makes a full refund', async () => {
    const r = await rigged({ config: { payDeadlineMs: 300, notFoundHorizonMs: 600 } });
    const v = await r.engine.startScan({ amountFen: 1234, authCode: alipayCode('07') });
    const closed = await r.waitFor(v.outTradeNo, isFinal, 10_000);
    expect(closed).toMatchObject({ state: 'closed', reasonCode: 'not_found', reason: expect.stringMatching(/^closed: not found after \d+ checks over \d+ s$/) });
    expect(r.sandbox.ledger.order(v.outTradeNo)).toBeNull();
    await until(() => r.sandbox.ledger.order(v.outTradeNo) !== null);
    expect(r.sandbox.ledger.order(v.outTradeNo)).toMatchObject({ state: 'paid', amountFen: 1234 });
    const seen: string[] = [];
    r.engine.on('progress', (p) => p.outTradeNo === v.outTradeNo && seen.push(p.state));
    await r.engine.queryNow(v.outTradeNo);
    const done = await r.waitFor(v.outTradeNo, isFinal);
    expect(seen[0]).toBe('paid_after_close');
    expect(done).toMatchObject({ state: 'refunded', reasonCode: 'refunded_after_close' });
    expect(r.journal.timeline(r.journal.attempt(v.outTradeNo)!.id).map((t) => t.toState)).toEqual(['created', 'pending', 'reversing', 'closed', 'paid_after_close', 'refunded']);
    expect(r.sandbox.ledger.order(v.outTradeNo)).toMatchObject({ state: 'refunded', netFen: 0 });
  });

  it('a verified callback of an order held as closed is applied as paid_after_close, and refunded', async () => {
    const r = await rigged({ config: { payDeadlineMs: 300, notFoundHorizonMs: 600 } });
    const v = await r.engine.startScan({ amountFen: 999, authCode: weixinCode('07') });
    await r.waitFor(v.outTradeNo, isFinal, 10_000);
    await until(() => r.sandbox.ledger.order(v.outTradeNo) !== null);
    const o = r.sandbox.ledger.order(v.outTradeNo)!;
    const notice = { outTradeNo: v.outTradeNo, tradeNo: o.tradeNo, totalFen: 999, tradeStatus: 'SUCCESS', payTime: null };
    expect(await r.engine.applyPaidNotice(notice)).toBe('applied');
    expect(r.journal.attempt(v.outTradeNo)!.state).toBe('paid_after_close'); // committed before the answer
    expect(await r.engine.applyPaidNotice(notice)).toBe('duplicate');
    expect(r.journal.openWork().map((w) => [w.ref, w.action])).toEqual([[v.outTradeNo, 'refund']]);
    const done = await r.waitFor(v.outTradeNo, isFinal);
    expect(done.state).toBe('refunded');
    expect(r.sandbox.ledger.order(v.outTradeNo)).toMatchObject({ state: 'refunded', netFen: 0 });
  });
});

async function until(cond: () => boolean, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((res) => setTimeout(res, 20));
  }
}

describe('recovery and offline', () => {
  it('settles at start what a crash left: never sent → closed; sent and paid → paid', async () => {
    // The lost row is taken to be older than the not-found horizon (a crash long ago).
    const r = await rigged({ config: { payDeadlineMs: 0, notFoundHorizonMs: 0 } });
    // Crash after the journal write, before the request left:
    const lost = r.journal.createAttempt({ kind: 'scan', channel: 'weixin', method: 'weixin.scan_qr_code_pay', amountFen: 100, deadlineAtMs: 0, settleDueAtMs: 0 });
    // Crash after the gateway charged, before the answer was journaled:
    const sent = r.journal.createAttempt({ kind: 'scan', channel: 'alipay', method: 'alipay.scan_qr_code_pay', amountFen: 200, deadlineAtMs: 0, settleDueAtMs: 0 });
    const { createGatewayClient } = await import('../../../electron/gateway/client.js');
    const other = createGatewayClient({ gatewayUrl: r.sandbox.gatewayUrl, appId: r.sandbox.appId, signType: 'MD5', secret: r.sandbox.secret });
    expect((await other.call('alipay.scan_qr_code_pay', { merchant_no: r.sandbox.merchantNo, out_trade_no: sent.outTradeNo, order_name: 'x', total_amount: 200, auth_code: alipayCode('77'), scene: 'bar_code', notify_url: 'http://127.0.0.1:9/n' })).kind).toBe('ok');
    await r.engine.recover();
    expect(r.journal.attempt(lost.outTradeNo)).toMatchObject({ state: 'closed', reasonCode: 'not_found' });
    expect(r.journal.attempt(sent.outTradeNo)).toMatchObject({ state: 'paid' });
    expect(r.journal.openWork()).toEqual([]);
  });

  it('offline: mobile payments refused with a plain reason, cash goes on, owed work resumes when it answers', async () => {
    let down = false;
    const fetchImpl: typeof fetch = (input, init) => (down ? Promise.reject(new TypeError('fetch failed (ECONNREFUSED)')) : fetch(input, init));
    const r = await rigged({ fetchImpl, config: { payDeadlineMs: 0 } });
    const onlineEvents: boolean[] = [];
    r.engine.on('online', (e: { online: boolean }) => onlineEvents.push(e.online));
    const paid = await r.engine.startScan({ amountFen: 300, authCode: weixinCode('77') });
    down = true;
    const v = await r.engine.startScan({ amountFen: 100, authCode: weixinCode('01') }); // first failure: unknown, pending
    expect(v.state).toBe('pending');
    await r.waitFor(v.outTradeNo, () => !r.engine.isOnline().online);
    await expect(r.engine.startScan({ amountFen: 100, authCode: weixinCode('77') })).rejects.toMatchObject({ code: 'offline', message: expect.stringMatching(/cannot be reached .*Take cash/) });
    await expect(r.engine.refund({ outTradeNo: paid.outTradeNo })).rejects.toMatchObject({ code: 'offline' });
    expect(r.engine.cash({ amountFen: 100, tenderedFen: 100 }).changeFen).toBe(0);
    expect(r.journal.attempt(v.outTradeNo)!.state).toBe('reversing');
    down = false;
    const done = await r.waitFor(v.outTradeNo, isFinal);
    expect(done).toMatchObject({ state: 'closed', reasonCode: 'not_found' }); // the request never got there
    expect(onlineEvents).toEqual([false, true]);
    expect(r.sandbox.ledger.order(v.outTradeNo)).toBeNull();
  });
});
