// Handlers of checkout.* and orders.*: the payment engine, with the manager PIN in front of
// refunds and reversals. The engine is looked up per call: it is rebuilt when the gateway changes.
import type { PartialHandlers } from '../types.js';
import type { Runtime } from '../../app/runtime.js';
import { showCashSale } from './display.js';
import type { GoodsService } from '../../goods/service.js';
import type { PaymentEngine } from '../../checkout/engine.js';
import { ARMED_SCAN_CALLER, type ArmedScan } from '../../checkout/armed-scan.js';
import type { OrderDetail } from '../../../shared/ipc/contract.js';

/**
 * Goods sales (issue 11) pass the goods checks first (catalogue prices, 抹零 rule, manager PIN for a
 * discount above the limit); the PIN goes no further than this.
 */
function goodsChecked<P extends { managerPin?: string | undefined }>(goods: GoodsService | null, p: P): Omit<P, 'managerPin'> {
  const { managerPin, ...rest } = p;
  goods?.checkSale({ ...(rest as unknown as Parameters<GoodsService['checkSale']>[0]), managerPin });
  return rest;
}

/** The engine's refund; then the runtime is told (a refund that succeeded at once prints its slip). */
export async function refundAndTell(rt: Runtime, input: Parameters<PaymentEngine['refund']>[0]): Promise<OrderDetail> {
  const detail = await rt.engine().refund(input);
  rt.refunded?.(detail.outTradeNo);
  return detail;
}

/**
 * `armed`: the serial gun's shortcut (checkout/armed-scan.ts). Every payment the screen starts
 * itself disarms it first, so a gun's read can never pay the same sale a second time.
 */
export function checkoutHandlers(rt: Runtime, goods: GoodsService | null = null, armed: ArmedScan | null = null): PartialHandlers {
  const engine = () => rt.engine();
  return {
    'checkout.scan': (p, ctx) => {
      if (ctx.caller !== ARMED_SCAN_CALLER) armed?.disarm();
      return engine().startScan(goodsChecked(goods, p));
    },
    'checkout.arm': (p) => armed?.arm(p.sale) ?? { armed: false },
    'checkout.qr': (p) => {
      armed?.disarm();
      return engine().startQr(goodsChecked(goods, p));
    },
    'checkout.cash': (input) => {
      armed?.disarm();
      const p = goodsChecked(goods, input);
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
      // A goods sale refunded in full gives back every line (stock returns); in part: by line only.
      const lines = goods?.amountRefundLines(input.outTradeNo, input.amountFen, engine().get(input.outTradeNo).refundableFen) ?? null;
      return refundAndTell(rt, lines ? { ...input, lines } : input);
    },
    'orders.reverse': ({ managerPin, outTradeNo }) => {
      rt.pin.check(managerPin);
      return engine().reverse(outTradeNo);
    },
  };
}
