// The checkout's vocabulary, shared by the store (stores/checkout.ts, which re-exports it), its
// helpers (checkout-display.ts, checkout-goods.ts) and the checkout components.
import type { Fen } from '../../shared/money';

export type PayMode = 'scan' | 'qr' | 'cash';
/**
 * entry   — typing the amount (and lines); in 扫码 mode a payment code starts the payment
 * tender  — 现金: typing what the customer handed over
 * sending — a payment call is on its way and the engine has not reported the attempt yet
 * payment — an attempt exists: waiting (countdown) or its result
 * cashDone — a cash sale was recorded: the change to give
 */
export type Phase = 'entry' | 'tender' | 'sending' | 'payment' | 'cashDone';

export interface SaleLineDraft {
  name: string;
  barcode?: string;
  qty: number;
  unitFen: Fen;
}

export interface Notice {
  tone: 'info' | 'warn' | 'error';
  text: string;
  /** What to do next, when there is something to do. */
  next?: string;
  /** The main side's own words, shown small. */
  detail?: string | null;
}
