// The money of a sale with lines, in integer fen, with every rounding written down:
//
//   list       = qty × unit price (a weighed line: qty 1, unit = its weighed price)
//   line disc. = percent: list × p / 100, rounded half up to the fen; amount: as typed; never > list
//   net        = list − line discount
//   order disc.= percent of Σ net, rounded half up; amount: as typed; never > Σ net
//   抹零       = (Σ net − order disc.) mod step, step 10 fen (0.1 yuan) or 100 fen (1 yuan),
//                taken off (the customer pays less, never more); none when the sum is below one step
//   total      = Σ net − order disc. − 抹零
//   charged    = each line's share of the total: order disc. + 抹零 spread over the lines by
//                their net (largest remainder, ties to the earlier line), so Σ charged = total
//                exactly and 0 ≤ charged ≤ net. Line refunds give back a line's charged amount.
//
// Percentages are in basis points (1% = 100 bp) so 8.5% (九一五折) stays an integer.
import { MAX_AMOUNT_FEN, type Fen } from '../money.js';

export type Discount = { kind: 'percent'; bp: number } | { kind: 'amount'; fen: Fen };
export type RoundingRule = 'none' | 'jiao' | 'yuan';
export const ROUNDING_STEP_FEN: Record<RoundingRule, Fen> = { none: 1, jiao: 10, yuan: 100 };
export const MAX_DISCOUNT_BP = 10_000;
/** Most pieces on one line. */
export const MAX_LINE_QTY = 9999;

export interface PricedLine {
  qty: number;
  unitFen: Fen;
  discount?: Discount | null;
}

export interface LineMoney {
  listFen: Fen;
  discountFen: Fen;
  netFen: Fen;
  /** What the customer pays for this line once the order discount and 抹零 are spread. */
  chargedFen: Fen;
}

export interface SaleMoney {
  lines: LineMoney[];
  subtotalFen: Fen;
  lineDiscountFen: Fen;
  orderDiscountFen: Fen;
  roundingFen: Fen;
  totalFen: Fen;
}

/** Why a discount cannot be applied, or null. */
export function checkDiscount(d: Discount | null | undefined): string | null {
  if (!d) return null;
  if (d.kind === 'percent') return Number.isInteger(d.bp) && d.bp >= 0 && d.bp <= MAX_DISCOUNT_BP ? null : 'discount: percent must be 0–100 with at most two decimals';
  if (d.kind === 'amount') return Number.isSafeInteger(d.fen) && d.fen >= 0 && d.fen <= MAX_AMOUNT_FEN ? null : 'discount: amount must be a whole number of fen ≥ 0';
  return 'discount: must be a percent or an amount';
}

/** The fen a discount takes off a base, half up for a percent, never more than the base. */
export function discountFen(baseFen: Fen, d: Discount | null | undefined): Fen {
  if (!d) return 0;
  const problem = checkDiscount(d);
  if (problem) throw new RangeError(problem);
  const off = d.kind === 'percent' ? Math.floor((baseFen * d.bp + 5000) / 10_000) : d.fen;
  return Math.min(baseFen, off);
}

/** 抹零 of an amount under a rule: what is taken off. */
export function roundingFen(amountFen: Fen, rule: RoundingRule): Fen {
  const step = ROUNDING_STEP_FEN[rule];
  if (step === 1 || amountFen < step) return 0;
  return amountFen % step;
}

/** Splits `totalOff` over weights (largest remainder, ties to the earlier index); Σ = totalOff, each ≤ its weight. */
export function spread(weights: readonly Fen[], totalOff: Fen): Fen[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (totalOff < 0 || totalOff > sum) throw new RangeError(`spread: ${totalOff} is not within 0–${sum}`);
  if (sum === 0) return weights.map(() => 0);
  // BigInt: weight × totalOff may exceed 2^53 for large sales.
  const big = weights.map((w) => (BigInt(w) * BigInt(totalOff)));
  const base = big.map((b) => Number(b / BigInt(sum)));
  const rem = big.map((b, i) => ({ i, r: b % BigInt(sum) }));
  let left = totalOff - base.reduce((a, b) => a + b, 0);
  rem.sort((a, b) => (a.r === b.r ? a.i - b.i : a.r > b.r ? -1 : 1));
  for (const { i } of rem) {
    if (left === 0) break;
    if (base[i]! < weights[i]!) {
      base[i]!++;
      left--;
    }
  }
  return base;
}

export function computeSale(lines: readonly PricedLine[], orderDiscount: Discount | null | undefined, rule: RoundingRule): SaleMoney {
  const priced = lines.map((l) => {
    if (!Number.isInteger(l.qty) || l.qty < 1 || l.qty > MAX_LINE_QTY) throw new RangeError(`qty: must be 1–${MAX_LINE_QTY}`);
    if (!Number.isSafeInteger(l.unitFen) || l.unitFen < 0) throw new RangeError('unitFen: must be a whole number of fen ≥ 0');
    const listFen = l.qty * l.unitFen;
    const off = discountFen(listFen, l.discount);
    return { listFen, discountFen: off, netFen: listFen - off };
  });
  const netSum = priced.reduce((a, l) => a + l.netFen, 0);
  const orderDiscountFen = discountFen(netSum, orderDiscount);
  const rounding = roundingFen(netSum - orderDiscountFen, rule);
  const shares = spread(priced.map((l) => l.netFen), orderDiscountFen + rounding);
  const out = priced.map((l, i) => ({ ...l, chargedFen: l.netFen - shares[i]! }));
  return {
    lines: out,
    subtotalFen: priced.reduce((a, l) => a + l.listFen, 0),
    lineDiscountFen: priced.reduce((a, l) => a + l.discountFen, 0),
    orderDiscountFen,
    roundingFen: rounding,
    totalFen: netSum - orderDiscountFen - rounding,
  };
}

/**
 * Whether the discounts of a sale need the manager PIN: the discount (lines + order, not 抹零)
 * is above `thresholdBp` of the subtotal, or above `thresholdFen`.
 */
export function discountNeedsManager(m: Pick<SaleMoney, 'subtotalFen' | 'lineDiscountFen' | 'orderDiscountFen'>, limits: { thresholdBp: number; thresholdFen: Fen }): boolean {
  const off = m.lineDiscountFen + m.orderDiscountFen;
  if (off === 0) return false;
  return off > limits.thresholdFen || off * 10_000 > m.subtotalFen * limits.thresholdBp;
}

/** The fen given back when `qty` of a line's `lineQty` are refunded: a whole line gives its charged amount. */
export function lineRefundFen(chargedFen: Fen, lineQty: number, alreadyQty: number, qty: number): Fen {
  if (!Number.isInteger(qty) || qty < 1 || alreadyQty + qty > lineQty) throw new RangeError(`qty: at most ${lineQty - alreadyQty} left to refund on this line`);
  // Cumulative floor: the pieces refunded so far and now always add up to the charged amount at the end.
  const upTo = (n: number) => Math.floor((chargedFen * n) / lineQty);
  return upTo(alreadyQty + qty) - upTo(alreadyQty);
}
