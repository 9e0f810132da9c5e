// The customer display (#/customer): welcome, the amount the cashier is typing (and its lines), the
// payment in progress (QR code, confirming, result) and a cash sale (total, tendered, change). It
// shows; it never acts. Two feeds:
// - payment.progress from the engine (PaymentView): a payment attempt;
// - display.update: what the cashier window types (idle / amount, sent by the checkout store) and a
//   cash sale main publishes once checkout.cash journaled it.
//
// Precedence, so that the customer never sees a wrong or stale number:
// - A payment in progress wins: while an attempt is open (not final), a typed amount or "idle" is
//   ignored — it was typed before the payment (the cashier's window cannot type during one). The
//   display then asks the engine (checkout.current) whether the attempt it shows is still open, so
//   a final event it missed cannot hold the screen forever.
// - A final result stays RESULT_SHOWN_MS, or until the cashier starts the next sale (idle / a new
//   amount, which both come after the result in the one ordered event stream).
// - A cash sale is journaled truth happening at this counter now: it replaces whatever is shown,
//   and later events of an attempt it replaced while still open are not shown over it.
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { invoke, onEvent } from '../api';
import type { DisplayUpdate, PaymentView } from '../../shared/ipc/contract';
import { isFinalAttemptState } from '../../shared/payment';
import { useCountdown } from '../lib/countdown';
import { newerView, outcomeOf, type Outcome } from '../lib/outcome';

/** A final result (or a cash sale's change) stays on the customer's screen this long, then welcome. */
export const RESULT_SHOWN_MS = 15_000;

export type CustomerScreen = 'welcome' | 'amount' | 'payment' | 'cash';

const IDLE: DisplayUpdate = { kind: 'idle' };

export const useCustomerStore = defineStore('customer', () => {
  /** The payment attempt on screen; it wins over `shown` while not null. */
  const view = ref<PaymentView | null>(null);
  /** Welcome, the typed amount, or a cash sale: what shows when no payment does. */
  const shown = ref<DisplayUpdate>(IDLE);
  const countdown = useCountdown();
  let resultTimer: ReturnType<typeof setTimeout> | null = null;
  /**
   * The attempt a cash sale replaced while it was still open (past its deadline, being reversed):
   * its later events are not this customer's. One is enough: the engine runs one attempt at a time.
   */
  let replacedNo: string | null = null;
  let refreshing = false;
  /** The latest typed amount / idle that arrived while an attempt was open (see refresh()). */
  let ignored: DisplayUpdate | null = null;

  const outcome = computed<Outcome | null>(() => (view.value ? outcomeOf(view.value) : null));
  const screen = computed<CustomerScreen>(() => {
    if (view.value) return 'payment';
    return shown.value.kind === 'idle' ? 'welcome' : shown.value.kind;
  });
  /** The open attempt (not final) on screen, if any. */
  const open = computed(() => view.value !== null && !isFinalAttemptState(view.value.state));

  function clearResultTimer(): void {
    if (resultTimer) clearTimeout(resultTimer);
    resultTimer = null;
  }

  /** payment.progress, and the engine's answer to checkout.current. */
  function show(v: PaymentView): void {
    // A cash sale comes as display.update, with the tendered amount and the change.
    if (v.kind === 'cash') return;
    if (v.outTradeNo === replacedNo) return;
    const other = view.value?.outTradeNo !== v.outTradeNo;
    // Already final on arrival and not the attempt on screen: news of another order (a reverse in
    // History). It never covers the amount of the customer at the counter, or their cash sale.
    if (other && isFinalAttemptState(v.state) && shown.value.kind !== 'idle') return;
    const merged = newerView(view.value, v);
    view.value = merged;
    // Whatever was typed belonged to this payment, or is older than it: never shown after it.
    shown.value = IDLE;
    ignored = null;
    if (merged === v) countdown.set(isFinalAttemptState(v.state) ? null : v.secondsLeft);
    clearResultTimer();
    if (isFinalAttemptState(merged.state)) {
      resultTimer = setTimeout(() => {
        resultTimer = null;
        view.value = null;
      }, RESULT_SHOWN_MS);
    }
  }

  /** display.update */
  function display(d: DisplayUpdate): void {
    if (d.kind === 'cash') {
      if (open.value && view.value) replacedNo = view.value.outTradeNo;
      view.value = null;
      countdown.set(null);
      shown.value = d;
      clearResultTimer();
      resultTimer = setTimeout(() => {
        resultTimer = null;
        shown.value = IDLE;
      }, RESULT_SHOWN_MS);
      return;
    }
    if (open.value) {
      ignored = d;
      void refresh();
      return;
    }
    // The cashier moved on: a final result or a cash sale gives way to the next sale.
    ignored = null;
    clearResultTimer();
    view.value = null;
    countdown.set(null);
    shown.value = d;
  }

  /**
   * The cashier is typing while this screen still shows an open attempt: ask the engine about it. A
   * final answer is shown as a result (the typed amount was older than it); an attempt the engine
   * no longer calls current is dropped, and the latest typed amount shows instead.
   */
  async function refresh(): Promise<void> {
    if (refreshing || !view.value) return;
    refreshing = true;
    const asked = view.value.outTradeNo;
    try {
      const r = await invoke('checkout.current', {});
      if (!r.ok || view.value?.outTradeNo !== asked || !open.value) return;
      if (r.value && r.value.outTradeNo === asked) show(r.value);
      else {
        // Not the engine's current payment any more: what the cashier typed since is what to show.
        view.value = null;
        countdown.set(null);
        if (ignored) shown.value = ignored;
        ignored = null;
      }
    } finally {
      refreshing = false;
    }
  }

  /** A display opened (or reloaded) during a payment shows it. */
  async function load(): Promise<void> {
    const r = await invoke('checkout.current', {});
    if (r.ok && r.value && !isFinalAttemptState(r.value.state)) show(r.value);
  }

  onEvent('payment.progress', show);
  onEvent('display.update', display);

  return { view, shown, screen, outcome, secondsLeft: countdown.secondsLeft, load, show, display };
});
