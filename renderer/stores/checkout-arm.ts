// The serial gun's shortcut (electron/checkout/armed-scan.ts), for useCheckoutStore. While the
// checkout takes a payment code for a sale (扫码, an amount to pay, no payment under way), main
// holds that sale (checkout.arm), so a serial gun's payment code starts the payment in main at
// once, and this screen hears of it afterwards (checkout.armedScan). Every change of the sale is
// sent the moment it happens (a synchronous watcher, nothing debounced): main must never pay an
// amount the screen no longer shows. Anything else disarms (null). Keyboard-wedge guns and typed
// codes still start their payments here (acceptScan).
import { computed, watch } from 'vue';
import { invoke, onEvent } from '../api';
import type { EventPayload, InvokePayload } from '../../shared/ipc/contract';

type Sale = InvokePayload<'checkout.arm'>['sale'];
type ArmedScanEvent = EventPayload<'checkout.armedScan'>;

export interface CheckoutArmInputs {
  /** False in a window that takes no payments (the customer display): nothing is sent or heard. */
  enabled: boolean;
  /** The sale a payment code would pay now, or null when the checkout is not taking one. */
  sale: () => Sale;
  /** Main started the armed sale's payment (the request has left). */
  started(e: Extract<ArmedScanEvent, { phase: 'started' }>): void;
  /** Its answer: what checkout.scan would have answered the screen. */
  done(e: Extract<ArmedScanEvent, { phase: 'done' }>): void;
}

export function useCheckoutArm({ enabled, sale, started, done }: CheckoutArmInputs): void {
  if (!enabled) return;
  const text = computed(() => JSON.stringify(sale()));
  /** What main holds as far as this screen knows (JSON); null: unknown, send again. */
  let sent: string | null = null;
  watch(
    text,
    (now) => {
      if (now === sent) return;
      sent = now;
      void invoke('checkout.arm', { sale: JSON.parse(now) as Sale }).then((r) => {
        // Not armed (a till without a payment side, an error): the screen's own path still works.
        if (!r.ok && sent === now) sent = null;
      });
    },
    { immediate: true, flush: 'sync' },
  );
  onEvent('checkout.armedScan', (e) => {
    // Main disarmed itself when it took the sale: the next arming must be sent even if equal.
    sent = null;
    if (e.phase === 'started') started(e);
    else done(e);
  });
}
