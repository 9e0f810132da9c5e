// A serial gun's payment code, paid without a round trip through the screen. The cashier's screen
// arms the sale it is taking a payment code for (checkout.arm: amount, lines, discounts…) every
// time that sale changes, and disarms it when it stops taking one (another mode, a payment under
// way, nothing to pay). When a serial gun then reads a payment code, main starts the payment at
// once through the same handler as the screen's checkout.scan, and tells the screen afterwards
// (checkout.armedScan 'started', then 'done' with checkout.scan's answer). The customer waits on
// the journal's fsync and the wire, not on the screen.
//
// Arming is a shortcut, never a second way to pay: a read is taken by at most one path (a read
// main starts is not sent to the screen as scanner.read), an armed sale pays once (take-once),
// every payment the screen starts itself disarms first, and an arming older than
// ARMED_SALE_TTL_MS has expired (the screen that armed it may be gone): the read then goes to the
// screen as before, which decides.
import type { EventPayload, InvokeParsed, PaymentView } from '../../shared/ipc/contract.js';
import type { IpcResult } from '../../shared/ipc/errors.js';
import { internalError } from '../ipc/dispatch.js';

/** The caller main's own armed payments carry through the handler table (they do not disarm). */
export const ARMED_SCAN_CALLER = 'serial gun';

/** An arming not renewed for this long has expired: the read goes to the screen instead. */
export const ARMED_SALE_TTL_MS = 120_000;

export type ArmedSale = InvokeParsed<'checkout.arm'>['sale'] & object;
export type ScannerRead = EventPayload<'scanner.read'>;

export interface ArmedScanDeps {
  /** Starts the payment exactly as the screen's checkout.scan would (validation included). */
  start(payload: InvokeParsed<'checkout.scan'>): Promise<IpcResult<PaymentView>>;
  /** Tells the screen (the checkout.armedScan event). */
  tell(e: EventPayload<'checkout.armedScan'>): void;
  now?: () => number;
  log?: (line: string) => void;
}

export class ArmedScan {
  private armed: { sale: ArmedSale; atMs: number } | null = null;
  private readonly now: () => number;

  constructor(private readonly d: ArmedScanDeps) {
    this.now = d.now ?? Date.now;
  }

  /** The screen's checkout.arm: the sale a payment code would pay now, or null. */
  arm(sale: ArmedSale | null): { armed: boolean } {
    this.armed = sale ? { sale, atMs: this.now() } : null;
    return { armed: this.armed !== null };
  }

  disarm(): void {
    this.armed = null;
  }

  /**
   * A serial gun's read. True when it was a payment code for the armed sale and its payment has
   * started here (the read must then not go to the screen too); false when the screen routes it.
   */
  onRead(read: ScannerRead): boolean {
    if (read.kind !== 'payment' || !this.armed) return false;
    const { sale, atMs } = this.armed;
    this.armed = null;
    if (this.now() - atMs > ARMED_SALE_TTL_MS) return false;
    let told = false;
    const started = () => {
      if (told) return;
      told = true;
      this.d.tell({ phase: 'started', scannerId: read.scannerId, masked: read.masked, amountFen: sale.amountFen });
    };
    const done = this.d.start({ ...sale, authCode: read.code });
    // The request's bytes leave on the next tick: the screen hears of it after that.
    setImmediate(started);
    void done.then(
      (result) => {
        started();
        this.d.tell({ phase: 'done', masked: read.masked, result });
      },
      (err: unknown) => {
        // dispatch() answers every failure as data; a throw here is a bug, said as one.
        this.d.log?.(`armed scan ${read.masked}: ${err instanceof Error ? err.message : String(err)}`);
        started();
        this.d.tell({ phase: 'done', masked: read.masked, result: internalError('checkout.scan') });
      },
    );
    return true;
  }
}
