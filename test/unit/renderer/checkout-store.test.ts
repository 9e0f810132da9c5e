// @vitest-environment happy-dom
// The checkout store against a stand-in main side: what it sends, and that it shows what the engine
// says — never a waiting payment as failed, never a state moving back.
import { beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { fakePos } from './fake-pos';
import { view } from './payment-view';
import type { PaymentView } from '../../../shared/ipc/contract';

const { useCheckoutStore } = await import('../../../renderer/stores/checkout');
const { language } = await import('../../../renderer/i18n');
const { go } = await import('../../../renderer/router');

const WX = '134567890123456789';

function typeAmount(store: ReturnType<typeof useCheckoutStore>, text: string, startMs = 1000, gapMs = 200): void {
  let t = startMs;
  for (const ch of text) {
    store.pressAt(ch as '1', t);
    t += gapMs;
  }
}

beforeEach(() => {
  setActivePinia(createPinia());
  fakePos.calls.length = 0;
  language.value = 'zh-CN';
});

describe('checkout store', () => {
  it('a payment code with an amount starts a scan payment; paid clears the sale', async () => {
    const co = useCheckoutStore();
    fakePos.answer('checkout.scan', (p) => ({ ok: true, value: view({ state: 'paid', amountFen: p.amountFen, tradeNo: 'G1', secondsLeft: null }) }));
    typeAmount(co, '12.5');
    expect(co.totalFen).toBe(1250);
    co.acceptScan(WX);
    await Promise.resolve();
    await Promise.resolve();
    expect(fakePos.calls.at(-1)).toEqual({ channel: 'checkout.scan', payload: { amountFen: 1250, authCode: WX } });
    expect(co.phase).toBe('payment');
    expect(co.outcome).toBe('paid');
    expect(co.amountText).toBe('');
    co.finish();
    expect(co.phase).toBe('entry');
  });

  it('arming: main holds the sale a serial gun would pay, sent at every change; null when no code is taken; the screen\'s own payment disarms first', async () => {
    const co = useCheckoutStore();
    fakePos.answer('checkout.arm', (p) => ({ ok: true, value: { armed: p.sale !== null } }));
    fakePos.answer('checkout.scan', (p) => ({ ok: true, value: view({ state: 'paid', amountFen: p.amountFen }) }));
    const arms = () => fakePos.calls.filter((c) => c.channel === 'checkout.arm').map((c) => (c.payload as { sale: unknown }).sale);
    typeAmount(co, '12');
    // A new screen disarms whatever an earlier one armed; then every key is sent at once (never a
    // stale amount in main).
    expect(arms()).toEqual([null, { amountFen: 100 }, { amountFen: 1200 }]);
    co.note = '7号桌';
    expect(arms().at(-1)).toEqual({ amountFen: 1200, note: '7号桌' });
    co.setMode('cash');
    expect(arms().at(-1)).toBeNull();
    co.setMode('scan');
    expect(arms().at(-1)).toEqual({ amountFen: 1200, note: '7号桌' });
    // Away from the checkout (History…) a gun's code pays nothing by itself.
    go('history');
    expect(arms().at(-1)).toBeNull();
    go('checkout');
    expect(arms().at(-1)).toEqual({ amountFen: 1200, note: '7号桌' });
    fakePos.calls.length = 0;
    co.acceptScan(WX, 'manual');
    await Promise.resolve();
    expect(fakePos.calls.map((c) => c.channel)).toEqual(['checkout.arm', 'checkout.scan']);
    expect(arms()).toEqual([null]);
  });

  it('a serial gun\'s code paid by main: "started" shows the payment going out, "done" the engine\'s answer; a refusal keeps the amount', async () => {
    const co = useCheckoutStore();
    fakePos.answer('checkout.arm', (p) => ({ ok: true, value: { armed: p.sale !== null } }));
    typeAmount(co, '30');
    fakePos.emit('checkout.armedScan', { phase: 'started', scannerId: 'gun', masked: '1345**6789', amountFen: 3000 });
    expect(co.phase).toBe('sending');
    expect(co.waiting).toBe(true);
    fakePos.emit('checkout.armedScan', { phase: 'done', masked: '1345**6789', result: { ok: true, value: view({ state: 'paid', amountFen: 3000 }) } });
    expect(co.phase).toBe('payment');
    expect(co.outcome).toBe('paid');
    expect(co.amountText).toBe('');
    co.finish();
    typeAmount(co, '5');
    fakePos.emit('checkout.armedScan', { phase: 'started', scannerId: 'gun', masked: '1345**6789', amountFen: 500 });
    fakePos.emit('checkout.armedScan', { phase: 'done', masked: '1345**6789', result: { ok: false, error: { code: 'offline', message: 'The payment gateway cannot be reached' } } });
    expect(co.phase).toBe('entry');
    expect(co.amountText).toBe('5');
    expect(co.notice?.tone).toBe('error');
  });

  it('a wedge burst that reached the keypad is undone before the payment starts', async () => {
    const co = useCheckoutStore();
    fakePos.answer('checkout.scan', (p) => ({ ok: true, value: view({ state: 'paid', amountFen: p.amountFen }) }));
    typeAmount(co, '8.8', 1000, 300);
    // The gun types 18 digits 5 ms apart: they land on the keypad (the amount overflows and shakes)…
    typeAmount(co, WX, 5000, 5);
    expect(co.amountText).not.toBe('8.8');
    // …then its Enter is recognised as a scan.
    co.acceptScan(WX, 'wedge');
    await Promise.resolve();
    expect(fakePos.calls.at(-1)).toEqual({ channel: 'checkout.scan', payload: { amountFen: 880, authCode: WX } });
  });

  it('adopts progress events while the call is on its way, counts down, and shows the final state', async () => {
    const co = useCheckoutStore();
    let answer!: (v: PaymentView) => void;
    fakePos.answer('checkout.scan', () => new Promise((resolve) => (answer = (v) => resolve({ ok: true, value: v }))));
    typeAmount(co, '20');
    co.acceptScan(WX);
    expect(co.phase).toBe('sending');
    expect(co.waiting).toBe(true);
    const now = new Date().toISOString();
    fakePos.emit('payment.progress', view({ amountFen: 2000, state: 'pending', reasonCode: 'USERPAYING', secondsLeft: 30, createdAt: now, updatedAt: now }));
    expect(co.phase).toBe('payment');
    expect(co.outcome).toBe('confirming');
    expect(co.secondsLeft).toBe(30);
    // An event of another attempt is not ours.
    fakePos.emit('payment.progress', view({ outTradeNo: 'OTHER', amountFen: 2000, state: 'paid', createdAt: now, updatedAt: now }));
    expect(co.view?.outTradeNo).toBe('T1');
    const later = new Date(Date.now() + 1000).toISOString();
    fakePos.emit('payment.progress', view({ amountFen: 2000, state: 'paid', tradeNo: 'G9', secondsLeft: null, createdAt: now, updatedAt: later }));
    expect(co.outcome).toBe('paid');
    expect(co.secondsLeft).toBeNull();
    // The call's own (older) answer arrives last: it does not move the state back.
    answer(view({ amountFen: 2000, state: 'pending', createdAt: now, updatedAt: now }));
    await new Promise((r) => setTimeout(r, 0));
    expect(co.outcome).toBe('paid');
    expect(co.view?.tradeNo).toBe('G9');
  });

  it('an unclear answer is "checking", not failed, until it settles', async () => {
    const co = useCheckoutStore();
    fakePos.answer('checkout.scan', () => ({ ok: true, value: view({ amountFen: 500, state: 'pending', reasonCode: 'timeout', secondsLeft: 40 }) }));
    typeAmount(co, '5');
    co.acceptScan('134567890123456704');
    await new Promise((r) => setTimeout(r, 0));
    expect(co.outcome).toBe('checking');
    expect(co.waiting).toBe(true);
    co.finish(); // Enter on a waiting payment does nothing
    expect(co.phase).toBe('payment');
    fakePos.emit('payment.progress', view({ amountFen: 500, state: 'paid', updatedAt: '2030-01-01T00:00:00.000Z' }));
    expect(co.outcome).toBe('paid');
  });

  it('cancel asks first, then reverses through checkout.cancel', async () => {
    const co = useCheckoutStore();
    fakePos.answer('checkout.scan', () => ({ ok: true, value: view({ amountFen: 100, state: 'pending', reasonCode: 'USERPAYING' }) }));
    fakePos.answer('checkout.cancel', (p) => ({ ok: true, value: view({ outTradeNo: p.outTradeNo, amountFen: 100, state: 'reversing', reasonCode: 'cancelled', reason: 'cancelled by the cashier', updatedAt: '2030-01-01T00:00:00.000Z' }) }));
    typeAmount(co, '1');
    co.acceptScan(WX);
    await new Promise((r) => setTimeout(r, 0));
    co.askCancel();
    expect(co.cancelAsked).toBe(true);
    await co.cancelPayment();
    expect(fakePos.calls.at(-1)).toEqual({ channel: 'checkout.cancel', payload: { outTradeNo: 'T1' } });
    expect(co.outcome).toBe('reversing');
    fakePos.emit('payment.progress', view({ amountFen: 100, state: 'closed', reasonCode: 'closed', reason: 'reversed before any payment: closed', updatedAt: '2030-01-01T00:00:01.000Z' }));
    expect(co.outcome).toBe('closed');
    // The result explains why it was closed: the cashier cancelled it.
    expect(co.resultReason.reasonCode).toBe('cancelled');
    expect(co.cancelAsked).toBe(false);
    // The amount is kept for another try.
    co.finish();
    expect(co.totalFen).toBe(100);
  });

  it('an error before any attempt shows the reason and keeps the amount', async () => {
    const co = useCheckoutStore();
    fakePos.answer('checkout.scan', () => ({ ok: false, error: { code: 'offline', message: 'gateway unreachable' } }));
    typeAmount(co, '9.99');
    co.acceptScan(WX);
    await new Promise((r) => setTimeout(r, 0));
    expect(co.phase).toBe('entry');
    expect(co.totalFen).toBe(999);
    expect(co.notice?.text).toBe('网关连不上，手机支付暂时无法使用');
    expect(co.notice?.detail).toBe('gateway unreachable');
  });

  it('a payment code without an amount, or an unknown code, only explains; codes are masked', async () => {
    const co = useCheckoutStore();
    co.acceptScan(WX);
    expect(co.notice?.text).toBe('请先输入金额，再扫顾客的付款码');
    expect(co.notice?.detail).toBe('1345**********6789');
    // Not a payment code: asked of the catalogue (goods.scan), never paid with, never shown in full.
    co.acceptScan('9999888877776666');
    await new Promise((r) => setTimeout(r, 0));
    expect(JSON.stringify(co.notice)).not.toContain('9999888877776666');
    expect(fakePos.calls.filter((c) => c.channel === 'checkout.scan')).toHaveLength(0);
  });

  it('lines: "+" keeps an item, the typed amount joins the lines, and they add up to the amount', async () => {
    const co = useCheckoutStore();
    fakePos.answer('checkout.qr', (p) => ({ ok: true, value: view({ kind: 'qr', method: p.method, amountFen: p.amountFen, qrUrl: 'http://127.0.0.1/pay/1' }) }));
    typeAmount(co, '12.5');
    co.addLine();
    typeAmount(co, '3', 9000);
    co.note = ' table 4 ';
    co.setMode('qr');
    co.qrMethod = 'alipay.qr_code_pay';
    await co.startQr();
    const payload = fakePos.calls.at(-1)!.payload as { amountFen: number; lines: { unitFen: number; qty: number }[]; note: string; method: string };
    expect(payload.amountFen).toBe(1550);
    expect(payload.method).toBe('alipay.qr_code_pay');
    expect(payload.note).toBe('table 4');
    expect(payload.lines.map((l) => l.unitFen)).toEqual([1250, 300]);
    expect(payload.lines.reduce((s, l) => s + l.qty * l.unitFen, 0)).toBe(payload.amountFen);
    expect(co.outcome).toBe('confirming');
  });

  it('cash: not enough tendered is refused; otherwise the change comes back from main', async () => {
    const co = useCheckoutStore();
    fakePos.answer('checkout.cash', (p) => ({ ok: true, value: { outTradeNo: 'C1', saleId: 7, amountFen: p.amountFen, tenderedFen: p.tenderedFen, changeFen: p.tenderedFen - p.amountFen } }));
    typeAmount(co, '16.45');
    co.setMode('cash');
    co.toTender();
    typeAmount(co, '10', 9000);
    await co.payCash();
    expect(co.phase).toBe('tender');
    expect(co.notice?.text).toContain('实收金额不足');
    co.setTender(2000);
    await co.payCash();
    expect(fakePos.calls.at(-1)).toEqual({ channel: 'checkout.cash', payload: { amountFen: 1645, tenderedFen: 2000 } });
    expect(co.phase).toBe('cashDone');
    expect(co.cash?.changeFen).toBe(355);
    expect(co.totalFen).toBe(0);
  });
});
