// Sale money: discounts, 抹零 and the spread of the order discount over the lines, in integer fen.
// The property: the lines always add up to the total that is charged and printed.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { computeSale, discountFen, discountNeedsManager, lineRefundFen, roundingFen, spread, type Discount, type RoundingRule } from '../../../shared/goods/sale.js';

const discountArb: fc.Arbitrary<Discount | null> = fc.oneof(
  fc.constant(null),
  fc.integer({ min: 0, max: 10_000 }).map((bp) => ({ kind: 'percent' as const, bp })),
  fc.integer({ min: 0, max: 50_000 }).map((fen) => ({ kind: 'amount' as const, fen })),
);
const lineArb = fc.record({ qty: fc.integer({ min: 1, max: 9999 }), unitFen: fc.integer({ min: 0, max: 500_000 }), discount: discountArb });
const ruleArb = fc.constantFrom<RoundingRule>('none', 'jiao', 'yuan');

describe('sale money', () => {
  it('a worked example: line percent, order amount, 抹零 to 0.1 yuan', () => {
    const m = computeSale(
      [
        { qty: 3, unitFen: 350 }, // 10.50
        { qty: 1, unitFen: 1299, discount: { kind: 'percent', bp: 1000 } }, // 12.99 − 1.30 = 11.69
        { qty: 2, unitFen: 88 }, // 1.76
      ],
      { kind: 'amount', fen: 100 },
      'jiao',
    );
    expect(m).toMatchObject({ subtotalFen: 2525, lineDiscountFen: 130, orderDiscountFen: 100, roundingFen: 5, totalFen: 2290 });
    expect(m.lines.map((l) => l.netFen)).toEqual([1050, 1169, 176]);
    expect(m.lines.reduce((a, l) => a + l.chargedFen, 0)).toBe(2290);
  });

  it('抹零: to 0.1 or 1 yuan, down, never below one step', () => {
    expect(roundingFen(1999, 'none')).toBe(0);
    expect(roundingFen(1999, 'jiao')).toBe(9);
    expect(roundingFen(1999, 'yuan')).toBe(99);
    expect(roundingFen(99, 'yuan')).toBe(0);
    expect(roundingFen(2000, 'yuan')).toBe(0);
  });

  it('discounts round half up and never exceed the base', () => {
    expect(discountFen(1299, { kind: 'percent', bp: 1000 })).toBe(130); // 129.9
    expect(discountFen(5, { kind: 'percent', bp: 1000 })).toBe(1); // 0.5 → 1
    expect(discountFen(100, { kind: 'amount', fen: 500 })).toBe(100);
    expect(() => discountFen(100, { kind: 'percent', bp: 10_001 })).toThrow(/percent must be 0–100/);
  });

  it('spread: largest remainder, ties to the earlier line', () => {
    expect(spread([100, 100, 100], 100)).toEqual([34, 33, 33]);
    expect(spread([1, 0, 2], 3)).toEqual([1, 0, 2]);
    expect(spread([0, 0], 0)).toEqual([0, 0]);
  });

  it('property: lines add up to the total; total = subtotal − discounts − 抹零; shares within each line', () => {
    fc.assert(
      fc.property(fc.array(lineArb, { minLength: 1, maxLength: 30 }), discountArb, ruleArb, (lines, order, rule) => {
        const m = computeSale(lines, order, rule);
        const charged = m.lines.reduce((a, l) => a + l.chargedFen, 0);
        expect(charged).toBe(m.totalFen);
        expect(m.totalFen).toBe(m.subtotalFen - m.lineDiscountFen - m.orderDiscountFen - m.roundingFen);
        for (const l of m.lines) {
          expect(Number.isSafeInteger(l.chargedFen)).toBe(true);
          expect(l.chargedFen).toBeGreaterThanOrEqual(0);
          expect(l.chargedFen).toBeLessThanOrEqual(l.netFen);
          expect(l.netFen).toBe(l.listFen - l.discountFen);
        }
        const step = rule === 'none' ? 1 : rule === 'jiao' ? 10 : 100;
        expect(m.roundingFen).toBeLessThan(step);
        if (m.totalFen + m.roundingFen >= step) expect(m.totalFen % step).toBe(0);
      }),
    );
  });

  it('property: refunding a line piece by piece gives back exactly its charged amount', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), fc.integer({ min: 1, max: 50 }), fc.array(fc.integer({ min: 1, max: 5 }), { maxLength: 50 }), (charged, qty, steps) => {
        let done = 0;
        let back = 0;
        for (const s of steps) {
          const n = Math.min(s, qty - done);
          if (n === 0) break;
          back += lineRefundFen(charged, qty, done, n);
          done += n;
        }
        if (done < qty) back += lineRefundFen(charged, qty, done, qty - done);
        expect(back).toBe(charged);
      }),
    );
    expect(() => lineRefundFen(100, 2, 2, 1)).toThrow(/at most 0 left/);
  });

  it('the manager PIN is needed above the threshold (percent of subtotal or amount), not for 抹零', () => {
    const limits = { thresholdBp: 2000, thresholdFen: 5000 };
    expect(discountNeedsManager({ subtotalFen: 10_000, lineDiscountFen: 0, orderDiscountFen: 2000 }, limits)).toBe(false);
    expect(discountNeedsManager({ subtotalFen: 10_000, lineDiscountFen: 1, orderDiscountFen: 2000 }, limits)).toBe(true);
    expect(discountNeedsManager({ subtotalFen: 1_000_000, lineDiscountFen: 5001, orderDiscountFen: 0 }, limits)).toBe(true);
    expect(discountNeedsManager({ subtotalFen: 10_000, lineDiscountFen: 0, orderDiscountFen: 0 }, limits)).toBe(false);
  });
});
