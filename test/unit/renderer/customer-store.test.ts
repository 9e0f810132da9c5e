// @vitest-environment happy-dom
// The customer display's store: what it shows from payment.progress and display.update, and the
// precedence rules — a payment in progress or its result is never covered by a typed amount sent
// before it; a cash sale shows total/tendered/change; the next sale returns to welcome.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { fakePos } from './fake-pos';
import { view } from './payment-view';
import type { DisplayUpdate, PaymentView } from '../../../shared/ipc/contract';

const { useCustomerStore, RESULT_SHOWN_MS } = await import('../../../renderer/stores/customer');

const amount = (amountFen: number, lines?: { name: string; qty: number; unitFen: number }[]): DisplayUpdate =>
  lines ? { kind: 'amount', amountFen, lines } : { kind: 'amount', amountFen };
const idle: DisplayUpdate = { kind: 'idle' };
const cash = (amountFen: number, tenderedFen: number, outTradeNo = 'C1'): DisplayUpdate => ({ kind: 'cash', outTradeNo, amountFen, tenderedFen, changeFen: tenderedFen - amountFen });

function progress(over: Partial<PaymentView>): void {
  fakePos.emit('payment.progress', view(over));
}

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

beforeEach(() => {
  setActivePinia(createPinia());
  fakePos.calls.length = 0;
  fakePos.answer('checkout.current', () => ({ ok: true, value: null }));
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('customer display store', () => {
  it('welcome, then the typed amount with its lines, then welcome when the cashier clears the sale', () => {
    const c = useCustomerStore();
    expect(c.screen).toBe('welcome');
    fakePos.emit('display.update', amount(1250));
    expect(c.screen).toBe('amount');
    expect(c.shown).toEqual({ kind: 'amount', amountFen: 1250 });
    fakePos.emit('display.update', amount(1850, [{ name: '商品 1', qty: 1, unitFen: 1250 }, { name: '商品 2', qty: 2, unitFen: 300 }]));
    expect(c.shown).toMatchObject({ amountFen: 1850, lines: [{ name: '商品 1' }, { name: '商品 2', qty: 2 }] });
    // A typed amount has no time limit: the cashier is still at it.
    vi.advanceTimersByTime(RESULT_SHOWN_MS * 2);
    expect(c.screen).toBe('amount');
    fakePos.emit('display.update', idle);
    expect(c.screen).toBe('welcome');
  });

  it('a payment replaces the typed amount; a stale typed amount never covers the payment in progress', async () => {
    const c = useCustomerStore();
    fakePos.answer('checkout.current', () => ({ ok: true, value: view({ state: 'pending', reasonCode: 'USERPAYING', amountFen: 1250 }) }));
    fakePos.emit('display.update', amount(1250));
    progress({ state: 'created', amountFen: 1250, secondsLeft: 45 });
    expect(c.screen).toBe('payment');
    progress({ state: 'pending', reasonCode: 'USERPAYING', amountFen: 1250, secondsLeft: 40, updatedAt: '2025-01-01T10:00:01.000Z' });
    expect(c.outcome).toBe('confirming');
    // An amount (or idle) arriving now was typed before the payment: it is not shown…
    fakePos.emit('display.update', amount(990));
    fakePos.emit('display.update', idle);
    expect(c.screen).toBe('payment');
    expect(c.view?.outTradeNo).toBe('T1');
    // …and the display asks the engine whether the attempt is still open: it is, so it stays.
    await settle();
    expect(fakePos.calls.filter((x) => x.channel === 'checkout.current').length).toBeGreaterThan(0);
    expect(c.screen).toBe('payment');
    expect(c.outcome).toBe('confirming');
    // The amount typed before the payment does not come back after it either.
    progress({ state: 'paid', amountFen: 1250, tradeNo: 'G1', secondsLeft: null, updatedAt: '2025-01-01T10:00:09.000Z' });
    expect(c.outcome).toBe('paid');
    vi.advanceTimersByTime(RESULT_SHOWN_MS);
    expect(c.screen).toBe('welcome');
  });

  it('a result stays RESULT_SHOWN_MS; a stale typed amount never replaces it, the next sale does', async () => {
    const c = useCustomerStore();
    progress({ state: 'created', amountFen: 500 });
    // The answer of a refresh asked while open arrives after the result: it changes nothing.
    let answer!: () => void;
    fakePos.answer('checkout.current', () => new Promise((resolve) => (answer = () => resolve({ ok: true, value: view({ state: 'pending', amountFen: 500 }) }))));
    fakePos.emit('display.update', amount(777));
    progress({ state: 'declined', amountFen: 500, reason: 'NOTENOUGH', secondsLeft: null, updatedAt: '2025-01-01T10:00:05.000Z' });
    answer();
    await settle();
    expect(c.outcome).toBe('declined');
    expect(c.screen).toBe('payment');
    vi.advanceTimersByTime(RESULT_SHOWN_MS - 1);
    expect(c.screen).toBe('payment');
    // The cashier goes back to the amount (kept after a decline): the next news is the amount.
    fakePos.emit('display.update', amount(500));
    expect(c.screen).toBe('amount');
    expect(c.view).toBeNull();
    // The old result's timer is gone: it does not clear the amount.
    vi.advanceTimersByTime(RESULT_SHOWN_MS);
    expect(c.screen).toBe('amount');
  });

  it('new sale after a paid result: idle returns to welcome at once', () => {
    const c = useCustomerStore();
    progress({ state: 'created', amountFen: 1250 });
    progress({ state: 'paid', amountFen: 1250, updatedAt: '2025-01-01T10:00:05.000Z' });
    expect(c.outcome).toBe('paid');
    fakePos.emit('display.update', idle);
    expect(c.screen).toBe('welcome');
    expect(c.view).toBeNull();
  });

  it('a cash sale shows total, tendered and change, then welcome after RESULT_SHOWN_MS; its progress event is not shown as a payment', () => {
    const c = useCustomerStore();
    progress({ outTradeNo: 'C0', kind: 'cash', channel: 'cash', method: 'cash', state: 'paid', amountFen: 100, secondsLeft: null });
    expect(c.screen).toBe('welcome');
    fakePos.emit('display.update', amount(1645));
    // The engine reports the journaled cash sale as a paid attempt first; main then sends the display's cash event.
    progress({ outTradeNo: 'C1', kind: 'cash', channel: 'cash', method: 'cash', state: 'paid', amountFen: 1645, secondsLeft: null });
    expect(c.screen).toBe('amount');
    fakePos.emit('display.update', cash(1645, 2000));
    expect(c.screen).toBe('cash');
    expect(c.shown).toEqual({ kind: 'cash', outTradeNo: 'C1', amountFen: 1645, tenderedFen: 2000, changeFen: 355 });
    vi.advanceTimersByTime(RESULT_SHOWN_MS - 1);
    expect(c.screen).toBe('cash');
    vi.advanceTimersByTime(1);
    expect(c.screen).toBe('welcome');
  });

  it('the cashier starts the next sale before the cash timer: the new amount shows and stays', () => {
    const c = useCustomerStore();
    fakePos.emit('display.update', cash(1645, 2000));
    fakePos.emit('display.update', idle);
    expect(c.screen).toBe('welcome');
    fakePos.emit('display.update', amount(300));
    vi.advanceTimersByTime(RESULT_SHOWN_MS);
    expect(c.screen).toBe('amount');
  });

  it('a cash sale replaces an attempt that is still being reversed, and the later events of that attempt stay off the screen', () => {
    const c = useCustomerStore();
    progress({ state: 'created', amountFen: 800 });
    progress({ state: 'reversing', amountFen: 800, reasonCode: 'deadline', updatedAt: '2025-01-01T10:01:00.000Z' });
    fakePos.emit('display.update', cash(800, 1000));
    expect(c.screen).toBe('cash');
    progress({ state: 'reversing', amountFen: 800, reasonCode: 'deadline', secondsLeft: null, updatedAt: '2025-01-01T10:01:02.000Z' });
    expect(c.screen).toBe('cash');
    progress({ state: 'closed', amountFen: 800, updatedAt: '2025-01-01T10:01:05.000Z' });
    expect(c.screen).toBe('cash');
    expect(c.shown).toMatchObject({ kind: 'cash', changeFen: 200 });
  });

  it('an old order reversed in History never covers the amount of the customer at the counter', () => {
    const c = useCustomerStore();
    fakePos.emit('display.update', amount(4200));
    progress({ outTradeNo: 'OLD', state: 'refunded', amountFen: 999, secondsLeft: null });
    expect(c.screen).toBe('amount');
    expect(c.shown).toMatchObject({ amountFen: 4200 });
  });

  it('a final event the display missed cannot hold the screen: the engine says the attempt is no longer current, the typed amount shows', async () => {
    const c = useCustomerStore();
    progress({ outTradeNo: 'LOST', state: 'pending', amountFen: 100 });
    fakePos.answer('checkout.current', () => ({ ok: true, value: null }));
    fakePos.emit('display.update', amount(2300));
    expect(c.screen).toBe('payment');
    await settle();
    expect(c.screen).toBe('amount');
    expect(c.shown).toMatchObject({ amountFen: 2300 });
  });

  it('a final event the display missed: the engine answers it final, and the result is shown (not the older typed amount)', async () => {
    const c = useCustomerStore();
    progress({ state: 'pending', amountFen: 100 });
    fakePos.answer('checkout.current', () => ({ ok: true, value: view({ state: 'paid', amountFen: 100, secondsLeft: null, updatedAt: '2025-01-01T10:00:30.000Z' }) }));
    fakePos.emit('display.update', amount(2300));
    await settle();
    expect(c.outcome).toBe('paid');
    vi.advanceTimersByTime(RESULT_SHOWN_MS);
    expect(c.screen).toBe('welcome');
  });

  it('a display opened during a payment shows it (checkout.current)', async () => {
    fakePos.answer('checkout.current', () => ({ ok: true, value: view({ kind: 'qr', state: 'pending', qrUrl: 'http://127.0.0.1/pay/1', amountFen: 2340 }) }));
    const c = useCustomerStore();
    await c.load();
    expect(c.screen).toBe('payment');
    expect(c.outcome).toBe('confirming');
  });
});
