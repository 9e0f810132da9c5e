// @vitest-environment happy-dom
// The checkout store's feed of the customer display (display.show): the typed total coalesced per
// pause, welcome for nothing payable, no update once a payment starts (a pending one is dropped so
// it can never arrive after the payment's events), and welcome when the cashier starts a new sale.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { nextTick } from 'vue';
import { fakePos } from './fake-pos';
import { view } from './payment-view';

const { useCheckoutStore, DISPLAY_UPDATE_MS } = await import('../../../renderer/stores/checkout');
const { language } = await import('../../../renderer/i18n');

const WX = '134567890123456789';
const { WEDGE_MAX_GAP_MS } = await import('../../../renderer/scanner/wedge');
/** The store waits DISPLAY_UPDATE_MS after the last change, on top of the wedge gap. */
const waitMs = DISPLAY_UPDATE_MS + WEDGE_MAX_GAP_MS;
/** A quick cashier: keys closer than the display's wait (one update for the whole amount). */
const KEY_GAP_MS = 100;

function displays(): unknown[] {
  return fakePos.calls.filter((c) => c.channel === 'display.show').map((c) => c.payload);
}

async function typeKeys(co: ReturnType<typeof useCheckoutStore>, text: string, gapMs: number): Promise<void> {
  for (const ch of text) {
    co.pressAt(ch as '1', Date.now());
    await nextTick();
    vi.advanceTimersByTime(gapMs);
  }
}

async function pause(): Promise<void> {
  await nextTick();
  vi.advanceTimersByTime(waitMs);
  await Promise.resolve();
}

beforeEach(() => {
  setActivePinia(createPinia());
  fakePos.calls.length = 0;
  language.value = 'zh-CN';
  vi.useFakeTimers();
  fakePos.answer('display.show', () => ({ ok: true, value: null }));
});
afterEach(() => {
  vi.useRealTimers();
});

describe('checkout → customer display', () => {
  it('sends the typed total once per pause, not once per key, and welcome when the sale is cleared', async () => {
    const co = useCheckoutStore();
    expect(co.wedgeGapMs).toBe(WEDGE_MAX_GAP_MS);
    await typeKeys(co, '12.5', KEY_GAP_MS);
    expect(displays()).toEqual([]);
    await pause();
    expect(displays()).toEqual([{ kind: 'amount', amountFen: 1250 }]);
    // Nothing changed: nothing sent.
    co.setMode('qr');
    await pause();
    expect(displays()).toHaveLength(1);
    co.clearSale();
    await pause();
    expect(displays().at(-1)).toEqual({ kind: 'idle' });
  });

  it('lines travel with the total, and add up to it', async () => {
    const co = useCheckoutStore();
    await typeKeys(co, '5', KEY_GAP_MS);
    co.addLine();
    await typeKeys(co, '2.5', KEY_GAP_MS);
    await pause();
    expect(displays().at(-1)).toEqual({
      kind: 'amount',
      amountFen: 750,
      lines: [
        { name: '第 1 笔', qty: 1, unitFen: 500 },
        { name: '第 2 笔', qty: 1, unitFen: 250 },
      ],
    });
  });

  it('"0." and an empty amount show welcome, never a number', async () => {
    const co = useCheckoutStore();
    await typeKeys(co, '3', KEY_GAP_MS);
    await pause();
    co.press('back');
    co.press('.');
    expect(co.amountText).toBe('0.');
    await pause();
    expect(displays().at(-1)).toEqual({ kind: 'idle' });
  });

  it('a payment starting drops the pending update: the typed amount can never arrive after the payment\'s events', async () => {
    const co = useCheckoutStore();
    fakePos.answer('checkout.scan', () => new Promise(() => {}));
    await typeKeys(co, '8.8', KEY_GAP_MS);
    // Scanned before the pause ended: no update is sent at all, now or later.
    co.acceptScan(WX);
    expect(co.phase).toBe('sending');
    await pause();
    await pause();
    expect(displays()).toEqual([]);
  });

  it('a wedge burst that lands on the keypad never reaches the customer', async () => {
    const co = useCheckoutStore();
    fakePos.answer('checkout.scan', () => ({ ok: true, value: view({ state: 'paid', amountFen: 880 }) }));
    await typeKeys(co, '8.8', KEY_GAP_MS);
    await pause();
    expect(displays()).toEqual([{ kind: 'amount', amountFen: 880 }]);
    // 18 digits 5 ms apart: the amount overflows on the keypad, then the Enter makes it a scan.
    await typeKeys(co, WX.slice(0, 6), 5);
    co.acceptScan(WX, 'wedge');
    await pause();
    await pause();
    expect(displays()).toEqual([{ kind: 'amount', amountFen: 880 }]);
  });

  it('nothing is sent during a payment; after a paid result the next sale shows welcome, after a decline the kept amount', async () => {
    const co = useCheckoutStore();
    let state: 'paid' | 'declined' = 'paid';
    fakePos.answer('checkout.scan', (p) => ({ ok: true, value: view({ outTradeNo: `T${state}`, state, amountFen: p.amountFen, secondsLeft: null }) }));
    await typeKeys(co, '20', KEY_GAP_MS);
    await pause();
    expect(displays()).toEqual([{ kind: 'amount', amountFen: 2000 }]);
    co.acceptScan(WX);
    await pause();
    expect(co.outcome).toBe('paid');
    // Paid cleared the sale, but the result is the engine's to show: no idle while it is on screen.
    expect(co.amountText).toBe('');
    expect(displays()).toHaveLength(1);
    co.finish();
    await pause();
    expect(displays().at(-1)).toEqual({ kind: 'idle' });

    await typeKeys(co, '7', KEY_GAP_MS);
    await pause();
    state = 'declined';
    co.acceptScan(WX);
    await pause();
    expect(co.outcome).toBe('declined');
    co.finish();
    await pause();
    // The same amount as before the payment: sent again, since the result replaced it on the display.
    expect(displays().slice(-2)).toEqual([{ kind: 'amount', amountFen: 700 }, { kind: 'amount', amountFen: 700 }]);
  });

  it('cash: the amount stays while the tender is typed; main shows the sale; the next sale shows welcome', async () => {
    const co = useCheckoutStore();
    fakePos.answer('checkout.cash', (p) => ({ ok: true, value: { outTradeNo: 'C1', saleId: 1, amountFen: p.amountFen, tenderedFen: p.tenderedFen, changeFen: p.tenderedFen - p.amountFen } }));
    await typeKeys(co, '16.45', KEY_GAP_MS);
    co.toTender();
    await typeKeys(co, '20', KEY_GAP_MS);
    await pause();
    expect(displays()).toEqual([{ kind: 'amount', amountFen: 1645 }]);
    await co.payCash();
    await pause();
    expect(co.phase).toBe('cashDone');
    // The renderer never sends the cash sale itself (main does, from the journal), nor idle while the change shows.
    expect(displays()).toHaveLength(1);
    co.finish();
    await pause();
    expect(displays().at(-1)).toEqual({ kind: 'idle' });
  });
});
