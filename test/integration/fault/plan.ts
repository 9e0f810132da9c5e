// The checkouts each simulated till performs, derived from the seed alone.
import type { QrMethod } from '../../../shared/payment.js';
import { Dice } from './prng.js';

export type Refund = 'none' | 'partial' | 'full';
export type Checkout =
  | { kind: 'scan'; channel: 'weixin' | 'alipay'; suffix: string; amountFen: number; cancelAfterMs: number | null; refund: Refund }
  | { kind: 'qr'; method: QrMethod; amountFen: number; customer: 'pay' | 'cancel' | 'none'; actAfterMs: number; cancelAfterMs: number | null; refund: Refund }
  | { kind: 'cash'; amountFen: number; tenderedFen: number; refund: Refund };

/** Sandbox scenario suffixes (wire.md): 77 = paid at once. */
const SUFFIXES: ReadonlyArray<readonly [string, number]> = [
  ['77', 30],
  ['01', 14],
  ['02', 8],
  ['03', 6],
  ['04', 8],
  ['05', 8],
  ['06', 4],
  // the answer is lost and the order lands (paid) only after the till gave up waiting
  ['07', 6],
];
const QR: readonly QrMethod[] = ['weixin.qr_code_pay', 'alipay.qr_code_pay', 'weixin.pay', 'alipay.wap_pay', 'alipay.h5_pay', 'alipay.ration_code', 'weixin.h5_pay'];

export function checkoutOf(seed: number, till: number, i: number): Checkout {
  const d = new Dice(seed, `plan|${till}|${i}`);
  const refund = d.weighted<Refund>([['none', 80], ['partial', 10], ['full', 10]]);
  const kind = d.weighted<'scan' | 'qr' | 'cash'>([['scan', 70], ['qr', 22], ['cash', 8]]);
  const amountFen = d.chance(0.1) ? d.int(1, 99) : d.int(100, 99_999);
  if (kind === 'cash') return { kind, amountFen, tenderedFen: amountFen + d.pick([0, 1, 50, 100, 5000]), refund };
  const cancelAfterMs = d.chance(0.08) ? d.int(0, 80) : null;
  if (kind === 'qr') {
    return { kind, method: d.pick(QR), amountFen, customer: d.weighted<'pay' | 'cancel' | 'none'>([['pay', 70], ['cancel', 10], ['none', 20]]), actAfterMs: d.int(0, 120), cancelAfterMs, refund };
  }
  return { kind, channel: d.chance(0.5) ? 'weixin' : 'alipay', suffix: d.weighted(SUFFIXES), amountFen, cancelAfterMs, refund };
}

/** A valid payment code for the channel ending in the sandbox scenario suffix. */
export function codeFor(channel: 'weixin' | 'alipay', suffix: string, seed: number, till: number, i: number): string {
  const middle = String((seed * 7919 + till * 104729 + i) % 1e14).padStart(14, '0');
  return `${channel === 'weixin' ? '13' : '28'}${middle}${suffix}`;
}
