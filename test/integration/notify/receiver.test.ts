// The callback receiver over real HTTP: the sandbox delivers a signed callback when a QR order is
// paid; the receiver verifies, the engine applies it after the journal commit, and only then is
// SUCCESS answered. Forged, mismatched, repeated and unknown callbacks are handled as the rules say.
import { afterEach, describe, expect, it } from 'vitest';
import { md5Signer } from '../../../electron/gateway/sign.js';
import { startNotifyReceiver, type NotifyReceiver } from '../../../electron/notify/receiver.js';
import { signCallback } from '../../../electron/sandbox/protocol.js';
import { isFinal, withRig } from '../checkout/setup.js';

type Rig = Awaited<ReturnType<typeof withRig>>;
let rig: Rig | null = null;
let receiver: NotifyReceiver | null = null;
afterEach(async () => {
  await receiver?.close();
  if (rig) {
    expect(rig.journal.checkInvariants()).toEqual([]);
    await rig.close();
  }
  rig = null;
  receiver = null;
});

/** The engine polls rarely here, so a paid state can only come from the callback. */
const SLOW_POLL = { queryIntervalMs: 60_000, qrDeadlineMs: 120_000, requestTimeoutMs: 2_000 };

async function setup() {
  // The receiver needs the engine and the engine needs the receiver's URL: bind a port first.
  let apply: Parameters<typeof startNotifyReceiver>[0]['apply'] = async () => 'unknown_order';
  const secret = { value: '' };
  receiver = await startNotifyReceiver({ port: 0, path: '/pos/notify', signer: { signType: 'MD5', sign: (f) => md5Signer(secret.value).sign(f), verify: (f, s) => md5Signer(secret.value).verify(f, s) }, apply: (n) => apply(n) });
  rig = await withRig({ config: SLOW_POLL, notifyUrl: receiver.url });
  secret.value = rig.sandbox.secret;
  apply = (n) => rig!.engine.applyPaidNotice(n);
  return { rig, receiver, sign: md5Signer(rig.sandbox.secret) };
}

async function post(url: string, fields: Record<string, string>): Promise<{ status: number; text: string }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });
  return { status: res.status, text: await res.text() };
}

describe('notify receiver', () => {
  it('applies a verified callback and answers SUCCESS after the commit', async () => {
    const { rig: r } = await setup();
    const v = await r.engine.startQr({ amountFen: 2500, method: 'alipay.qr_code_pay' });
    r.sandbox.customer.pay(v.outTradeNo);
    const done = await r.waitFor(v.outTradeNo, isFinal, 5_000);
    expect(done.state).toBe('paid');
    const a = r.journal.attempt(v.outTradeNo)!;
    expect(r.journal.timeline(a.id).at(-1)).toMatchObject({ toState: 'paid', source: 'callback' });
    expect(a.tradeNo).toBe(r.sandbox.ledger.order(v.outTradeNo)!.tradeNo);
    // The sandbox saw SUCCESS on the first delivery.
    await new Promise((res) => setTimeout(res, 50));
    expect(r.sandbox.ledger.notifications(v.outTradeNo)).toMatchObject([{ attempt: 1, httpStatus: 200, answer: 'SUCCESS', acknowledged: true }]);
  });

  it('refuses a forged or altered callback and changes nothing', async () => {
    const { rig: r, receiver: rc, sign } = await setup();
    const v = await r.engine.startQr({ amountFen: 2500, method: 'weixin.qr_code_pay' });
    const fields = { out_trade_no: v.outTradeNo, trade_no: 'X1', total_amount: '25.00', pay_time: '2025-06-01 10:00:00' };
    const signed = signCallback(fields, sign);
    expect(await post(rc.url, { ...signed, sign: '0'.repeat(32) })).toMatchObject({ status: 400, text: 'FAIL: sign: does not verify' });
    expect(await post(rc.url, { ...signed, total_amount: '0.01' })).toMatchObject({ status: 400 });
    expect(await post(rc.url, fields)).toMatchObject({ status: 400, text: 'FAIL: sign: missing' });
    expect(r.journal.attempt(v.outTradeNo)!.state).toBe('pending');
  });

  it('refuses a signed callback whose amount differs, or for an order it does not have', async () => {
    const { rig: r, receiver: rc, sign } = await setup();
    const v = await r.engine.startQr({ amountFen: 2500, method: 'weixin.qr_code_pay' });
    const wrong = signCallback({ out_trade_no: v.outTradeNo, trade_no: 'X1', total_amount: '25.01', pay_time: '2025-06-01 10:00:00' }, sign);
    expect(await post(rc.url, wrong)).toEqual({ status: 409, text: 'FAIL: amount differs from the order' });
    expect(r.journal.attempt(v.outTradeNo)!.state).toBe('pending');
    expect(r.journal.audit.entries(v.outTradeNo).map((e) => e.kind)).toContain('callback.amount_mismatch');
    const unknown = signCallback({ out_trade_no: 'NOT_OURS_1', trade_no: 'X1', total_amount: '25.00', pay_time: '2025-06-01 10:00:00' }, sign);
    expect(await post(rc.url, unknown)).toEqual({ status: 404, text: 'FAIL: no such order at this till' });
  });

  it('is idempotent: a repeated callback changes nothing and still answers SUCCESS', async () => {
    const { rig: r, receiver: rc, sign } = await setup();
    const v = await r.engine.startQr({ amountFen: 2500, method: 'weixin.qr_code_pay' });
    const tradeNo = r.sandbox.ledger.order(v.outTradeNo)!.tradeNo;
    const cb = signCallback({ out_trade_no: v.outTradeNo, trade_no: tradeNo, total_amount: '25.00', pay_time: '2025-06-01 10:00:00' }, sign);
    expect(await post(rc.url, cb)).toEqual({ status: 200, text: 'SUCCESS' });
    expect(await post(rc.url, cb)).toEqual({ status: 200, text: 'SUCCESS' });
    const a = r.journal.attempt(v.outTradeNo)!;
    expect(a.state).toBe('paid');
    expect(r.journal.timeline(a.id).filter((t) => t.toState === 'paid')).toHaveLength(1);
    // Only the configured path listens.
    expect((await fetch(rc.url.replace('/pos/notify', '/other'), { method: 'POST' })).status).toBe(404);
  });
});
