// Handlers of checkout.* and orders.*: the payment engine, with the manager PIN in front of
// refunds and reversals. The engine is looked up per call: it is rebuilt when the gateway changes.
import type { PartialHandlers } from '../types.js';
import type { Runtime } from '../../app/runtime.js';
import { showCashSale } from './display.js';

export function checkoutHandlers(rt: Runtime): PartialHandlers {
  const engine = () => rt.engine();
  return {
    'checkout.scan': (p) => engine().startScan(p),
    'checkout.qr': (p) => engine().startQr(p),
    'checkout.cash': (p) => {
      // The sale is journaled when cash() returns: only then does the customer see total and change.
      const sale = engine().cash(p);
      showCashSale(rt.bus, sale, (line) => rt.log(line));
      return sale;
    },
    'checkout.cancel': (p) => engine().cancel(p.outTradeNo),
    'checkout.current': () => engine().current(),
    'orders.search': (q) => engine().search(q),
    'orders.get': (p) => engine().get(p.outTradeNo),
    'orders.queryNow': (p) => engine().queryNow(p.outTradeNo),
    'orders.refund': ({ managerPin, ...input }) => {
      rt.pin.check(managerPin);
      return engine().refund(input);
    },
    'orders.reverse': ({ managerPin, outTradeNo }) => {
      rt.pin.check(managerPin);
      return engine().reverse(outTradeNo);
    },
  };
}
