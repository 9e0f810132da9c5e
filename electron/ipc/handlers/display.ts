// The customer display's feed besides payment.progress: what the cashier is typing (display.show,
// from the cashier window) and a cash sale (published here by main once checkout.cash journaled it).
// Both go out as display.update on the EventBus, which reaches every window (Electron) and every
// connection (browser host) the same way payment.progress does.
import type { PartialHandlers } from '../types.js';
import type { EventBus } from '../../app/bus.js';
import type { CashResult } from '../../../shared/ipc/contract.js';

export function displayHandlers(bus: EventBus): PartialHandlers {
  return {
    // The payload was checked by dispatch against the contract (idle, or an amount whose lines add up).
    'display.show': (p) => {
      bus.emit('display.update', p);
      return null;
    },
  };
}

/**
 * A journaled cash sale on the customer display: total, tendered and change as the journal has
 * them (the engine's CashResult), never numbers the renderer computed.
 */
export function showCashSale(bus: EventBus, sale: CashResult, log: (line: string) => void): void {
  try {
    bus.emit('display.update', { kind: 'cash', outTradeNo: sale.outTradeNo, amountFen: sale.amountFen, tenderedFen: sale.tenderedFen, changeFen: sale.changeFen });
  } catch (err) {
    // The sale is journaled: a window that fails to hear of it must not make it look failed.
    log(`display: cash sale ${sale.outTradeNo} not shown: ${err instanceof Error ? err.message : String(err)}`);
  }
}
