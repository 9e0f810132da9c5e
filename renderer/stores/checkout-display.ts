// The customer display following the checkout's typing (display.show), for useCheckoutStore.
// What the customer sees while the cashier types: the total (and the lines), or welcome when there
// is no payable amount (nothing typed, or beyond the maximum). Sent only in entry / tender: once a
// payment starts, the engine's events drive the display, and a pending update is dropped so it can
// never arrive after them. Cash sales are shown by main itself once journaled (checkout.cash).
import { watch, type Ref, type WatchSource } from 'vue';
import { invoke } from '../api';
import { MAX_AMOUNT_FEN, type Fen } from '../../shared/money';
import type { InvokePayload } from '../../shared/ipc/contract';
import type { Phase } from './checkout-types';

/**
 * The customer display follows the typing this long after the last change (on top of the wedge gap,
 * so a keyboard-wedge gun's burst, which lands on the keypad before it is recognised and undone,
 * never reaches the customer's screen): one display.show per pause, not one per key.
 */
export const DISPLAY_UPDATE_MS = 150;

type DisplayLines = Extract<InvokePayload<'display.show'>, { kind: 'amount' }>['lines'];

export interface CheckoutDisplayInputs {
  phase: Readonly<Ref<Phase>>;
  totalFen: Readonly<Ref<Fen>>;
  /** The keyboard-wedge gap the store uses to recognise a gun's burst. */
  wedgeGapMs: Readonly<Ref<number>>;
  /** The sale lines for the contract, as the store sends them with a payment. */
  saleFields: () => { lines?: DisplayLines };
  /** Whatever the cashier changes while typing: each change restarts the wait. */
  typing: WatchSource[];
}

export function useCheckoutDisplay({ phase, totalFen, wedgeGapMs, saleFields, typing }: CheckoutDisplayInputs): { displayHandsOver(): void } {
  let displayTimer: ReturnType<typeof setTimeout> | null = null;
  /** The last display.show sent (as JSON): an unchanged screen is not sent again. */
  let displaySent: string | null = null;

  function displayPayload(): InvokePayload<'display.show'> {
    if (totalFen.value <= 0 || totalFen.value > MAX_AMOUNT_FEN) return { kind: 'idle' };
    const fields = saleFields();
    return fields.lines ? { kind: 'amount', amountFen: totalFen.value, lines: fields.lines } : { kind: 'amount', amountFen: totalFen.value };
  }

  function cancelDisplay(): void {
    if (displayTimer) clearTimeout(displayTimer);
    displayTimer = null;
  }

  function scheduleDisplay(): void {
    cancelDisplay();
    if (phase.value !== 'entry' && phase.value !== 'tender') return;
    displayTimer = setTimeout(() => {
      displayTimer = null;
      if (phase.value !== 'entry' && phase.value !== 'tender') return;
      const payload = displayPayload();
      const text = JSON.stringify(payload);
      if (text === displaySent) return;
      displaySent = text;
      // The display is a courtesy: a failed update changes nothing at the till (the next one retries).
      void invoke('display.show', payload).then((r) => {
        if (!r.ok && displaySent === text) displaySent = null;
      });
    }, DISPLAY_UPDATE_MS + wedgeGapMs.value);
  }

  /** A payment starts: the engine's events take over the customer's screen. */
  function displayHandsOver(): void {
    cancelDisplay();
    // After the payment the screen is the engine's result: the next amount is news again.
    displaySent = null;
  }

  // Every key ("16." reads as 16 but is still typing) restarts the wait.
  watch(typing, scheduleDisplay, { deep: true });

  return { displayHandsOver };
}
