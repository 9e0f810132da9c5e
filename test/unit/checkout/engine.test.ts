// Engine paths the sandbox cannot produce on demand, against a scripted gateway (the gateway
// room's interface, answered from a script) and a real journal file.
import { afterEach, describe, expect, it } from 'vitest';
import type { GatewayClient, GatewayOutcome } from '../../../electron/gateway/client.js';
import { PaymentEngine } from '../../../electron/checkout/engine.js';
import { secondsLeftOf } from '../../../electron/checkout/views.js';
import type { Journal } from '../../../electron/journal/journal.js';
import { openTemp, tempDir } from '../journal/helpers.js';

type Answer = GatewayOutcome<Record<string, unknown>>;
const tmp = tempDir('pos-engine-unit-');
let n = 0;
let open: { engine: PaymentEngine; journal: Journal } | null = null;
afterEach(async () => {
  if (open) {
    await open.engine.stop();
    expect(open.journal.checkInvariants()).toEqual([]);
    open.journal.close();
  }
  open = null;
});

/** A gateway answering each method from its queue (the last answer repeats). */
function scripted(script: Record<string, Answer[]>) {
  const calls: Array<{ method: string; params: Record<string, unknown> }> = [];
  const gateway: GatewayClient = {
    call: (async (method: string, params: Record<string, unknown>) => {
      calls.push({ method, params });
      const q = script[method];
      if (!q || q.length === 0) return { kind: 'unknown', reason: `no script for ${method}` };
      return q.length > 1 ? q.shift()! : q[0]!;
    }) as GatewayClient['call'],
  };
  return { gateway, calls };
}

function engineWith(script: Record<string, Answer[]>, config = {}) {
  const journal = openTemp(tmp.dir, `e${++n}.db`);
  const { gateway, calls } = scripted(script);
  const engine = new PaymentEngine({ journal, gateway, merchantNo: 'M1', terminalId: 'T01', config: { tickMs: 0, queryIntervalMs: 5, payDeadlineMs: 0, reverseBackoff: { firstMs: 5, factor: 1, maxMs: 5 }, ...config } });
  open = { engine, journal };
  return { engine, journal, calls };
}

const ok = (result: Record<string, unknown>): Answer => ({ kind: 'ok', result });
const rej = (code: number, message = 'm'): Answer => ({ kind: 'rejected', code, message, content: null });
const CODE = '130000000000000077';

describe('engine (scripted gateway)', () => {
  it('a scan: the order is journaled before the request, the request leaves before the screens hear of it', async () => {
    const journal = openTemp(tmp.dir, `e${++n}.db`);
    const order: string[] = [];
    let sentNo: unknown = null;
    // Like transport.ts: the request's bytes are written on the next tick after the call, the
    // answer comes back later from the network.
    const gateway: GatewayClient = {
      call: ((_method: string, params: Record<string, unknown>) => {
        sentNo = params['out_trade_no'];
        order.push(`call (journaled: ${journal.attempt(String(sentNo))?.state ?? 'no'})`);
        process.nextTick(() => order.push('request on the wire'));
        return new Promise<Answer>((resolve) => setTimeout(() => resolve(ok({ trade_no: 'W1', trade_status: 'SUCCESS', state: 'paid' })), 2));
      }) as GatewayClient['call'],
    };
    const engine = new PaymentEngine({ journal, gateway, merchantNo: 'M1', terminalId: 'T01', config: { tickMs: 0 } });
    open = { engine, journal };
    engine.on('progress', (v) => order.push(`progress ${v.state}`));
    const v = await engine.startScan({ amountFen: 100, authCode: CODE });
    expect(v.state).toBe('paid');
    expect(sentNo).toBe(v.outTradeNo);
    expect(order).toEqual(['call (journaled: created)', 'request on the wire', 'progress created', 'progress paid']);
  });

  it('a scan whose answer comes back at once (nothing was sent) still tells created before its outcome', async () => {
    const { engine } = engineWith({ 'weixin.scan_qr_code_pay': [{ kind: 'unknown', reason: 'transport error: ECONNREFUSED' }] });
    const seen: string[] = [];
    engine.on('progress', (v) => seen.push(v.state));
    const v = await engine.startScan({ amountFen: 100, authCode: CODE });
    expect(v.state).toBe('pending');
    expect(seen.slice(0, 2)).toEqual(['created', 'pending']);
  });

  it('a reverse the gateway refuses on a paid order leaves it paid (money kept, not guessed)', async () => {
    const { engine, journal } = engineWith({
      'weixin.scan_qr_code_pay': [{ kind: 'unknown', reason: 'no answer within 10 ms' }],
      'trade.query': [ok({ trade_no: 'GW1', trade_status: 'USERPAYING', state: 'pending' }), ok({ trade_no: 'GW1', trade_status: 'SUCCESS', state: 'paid' })],
      'trade.reverse': [rej(14500, 'not now')],
    });
    const v = await engine.startScan({ amountFen: 100, authCode: CODE });
    expect(v.state).toBe('pending');
    await engine.recover(); // settle: query says pending, deadline passed → reverse → refused → query paid
    const a = journal.attempt(v.outTradeNo)!;
    expect(a).toMatchObject({ state: 'paid', tradeNo: 'GW1', reasonCode: '14500' });
    expect(journal.timeline(a.id).map((t) => t.toState)).toEqual(['created', 'pending', 'reversing', 'paid']);
  });

  it('a reverse answer that does not say the state is settled by a query', async () => {
    const { engine, journal, calls } = engineWith({
      'alipay.scan_qr_code_pay': [ok({ trade_no: 'GW2', trade_status: 'WAIT_BUYER_PAY', state: 'pending' })],
      'trade.query': [ok({ trade_no: 'GW2', trade_status: 'WAIT_BUYER_PAY', state: 'pending' }), ok({ trade_no: 'GW2', trade_status: 'TRADE_CLOSED', state: 'closed' })],
      'trade.reverse': [ok({ trade_no: 'GW2', state: null })],
    });
    const v = await engine.startScan({ amountFen: 100, authCode: '2800000000000077' });
    await engine.recover();
    expect(journal.attempt(v.outTradeNo)!.state).toBe('closed');
    expect(calls.map((c) => c.method)).toEqual(['alipay.scan_qr_code_pay', 'trade.query', 'trade.reverse', 'trade.query']);
    expect(calls[2]!.params).toMatchObject({ out_trade_no: v.outTradeNo, trade_no: 'GW2' });
  });

  it('retries an unanswered reverse with backoff until answered, counting the tries', async () => {
    const { engine, journal } = engineWith({
      'weixin.scan_qr_code_pay': [ok({ trade_no: 'GW3', trade_status: 'USERPAYING', state: 'pending' })],
      'trade.query': [ok({ trade_no: 'GW3', trade_status: 'USERPAYING', state: 'pending' })],
      'trade.reverse': [{ kind: 'unknown', reason: 'HTTP 502 from the gateway' }, { kind: 'unknown', reason: 'HTTP 502 from the gateway' }, ok({ trade_no: 'GW3', trade_status: 'REVOKED', pay_time: null, state: 'closed' })],
    });
    const v = await engine.startScan({ amountFen: 100, authCode: CODE });
    await engine.recover();
    const a = journal.attempt(v.outTradeNo)!;
    expect(a.state).toBe('reversing');
    expect(journal.owedWork('attempt', a.outTradeNo)).toMatchObject({ action: 'reverse', tries: 1, lastError: 'HTTP 502 from the gateway' });
    for (let i = 0; i < 50 && journal.attempt(v.outTradeNo)!.state === 'reversing'; i++) await new Promise((r) => setTimeout(r, 10));
    expect(journal.attempt(v.outTradeNo)!.state).toBe('closed');
    expect(journal.reversal(a.id)).toMatchObject({ tries: 2, result: 'closed' });
  });

  it('a refund still processing is asked again with the same out_refund_no', async () => {
    const { engine, journal, calls } = engineWith(
      {
        'weixin.scan_qr_code_pay': [ok({ trade_no: 'GW4', trade_status: 'SUCCESS', state: 'paid' })],
        'trade.refund': [ok({ refund_state: 'processing', refund_status: 'REFUND_PROCESSING' }), ok({ refund_state: 'succeeded', refund_status: 'REFUND_SUCCESS' })],
      },
      { refundBackoff: { firstMs: 5, factor: 1, maxMs: 5 } },
    );
    const v = await engine.startScan({ amountFen: 100, authCode: CODE });
    const d = await engine.refund({ outTradeNo: v.outTradeNo, amountFen: 40 });
    expect(d.refunds).toMatchObject([{ state: 'processing', amountFen: 40 }]);
    for (let i = 0; i < 50 && journal.refund(d.refunds[0]!.outRefundNo)!.state !== 'succeeded'; i++) await new Promise((r) => setTimeout(r, 10));
    expect(engine.get(v.outTradeNo)).toMatchObject({ refundedFen: 40, refundableFen: 60 });
    const refundCalls = calls.filter((c) => c.method === 'trade.refund');
    expect(refundCalls).toHaveLength(2);
    expect(refundCalls[0]!.params).toEqual(refundCalls[1]!.params);
  });

  it('callbacks: applied once, duplicates ignored, unknown orders and wrong amounts refused', async () => {
    const { engine, journal } = engineWith({ 'weixin.scan_qr_code_pay': [ok({ trade_no: 'GW5', trade_status: 'USERPAYING', state: 'pending' })] }, { payDeadlineMs: 60_000, queryIntervalMs: 60_000 });
    const v = await engine.startScan({ amountFen: 100, authCode: CODE });
    const notice = { outTradeNo: v.outTradeNo, tradeNo: 'GW5', totalFen: 100, tradeStatus: null, payTime: null };
    expect(await engine.applyPaidNotice({ ...notice, totalFen: 101 })).toBe('amount_mismatch');
    expect(await engine.applyPaidNotice({ ...notice, outTradeNo: 'X' })).toBe('unknown_order');
    expect(await engine.applyPaidNotice({ ...notice, tradeStatus: 'TRADE_CLOSED' })).toBe('recorded');
    expect(await engine.applyPaidNotice(notice)).toBe('applied');
    expect(await engine.applyPaidNotice(notice)).toBe('duplicate');
    expect(journal.attempt(v.outTradeNo)).toMatchObject({ state: 'paid', tradeNo: 'GW5' });
  });

  it('seconds left count down to the deadline while waiting, and are null otherwise', () => {
    const base = { state: 'pending', deadlineAtMs: 10_000 } as Parameters<typeof secondsLeftOf>[0];
    expect(secondsLeftOf(base, 0)).toBe(10);
    expect(secondsLeftOf(base, 9_001)).toBe(1);
    expect(secondsLeftOf(base, 12_000)).toBe(0);
    expect(secondsLeftOf({ ...base, state: 'paid' }, 0)).toBeNull();
  });
});
