// The customer display (#/customer): the amount, the QR code to scan, and the result, fed by the
// engine's payment.progress events. It shows; it never acts.
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { invoke, onEvent } from '../api';
import type { PaymentView } from '../../shared/ipc/contract';
import { isFinalAttemptState } from '../../shared/payment';
import { useCountdown } from '../lib/countdown';
import { newerView, outcomeOf, type Outcome } from '../lib/outcome';

/** A final result stays on the customer's screen this long, then the display returns to welcome. */
export const RESULT_SHOWN_MS = 15_000;

export const useCustomerStore = defineStore('customer', () => {
  const view = ref<PaymentView | null>(null);
  const countdown = useCountdown();
  let clearTimer: ReturnType<typeof setTimeout> | null = null;

  const outcome = computed<Outcome | null>(() => (view.value ? outcomeOf(view.value) : null));

  function show(v: PaymentView): void {
    const merged = newerView(view.value, v);
    view.value = merged;
    if (merged === v) countdown.set(isFinalAttemptState(v.state) ? null : v.secondsLeft);
    if (clearTimer) clearTimeout(clearTimer);
    clearTimer = null;
    if (isFinalAttemptState(view.value.state)) {
      clearTimer = setTimeout(() => (view.value = null), RESULT_SHOWN_MS);
    }
  }

  async function load(): Promise<void> {
    const r = await invoke('checkout.current', {});
    if (r.ok && r.value && !isFinalAttemptState(r.value.state)) show(r.value);
  }

  onEvent('payment.progress', show);

  return { view, outcome, secondsLeft: countdown.secondsLeft, load, show };
});
