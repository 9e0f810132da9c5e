// Goods sales in the journal: lines with discounts, order discount and 抹零 that must add up; refunds
// by line with their stock back on success; held sales surviving a reopen.
import { describe, expect, it } from 'vitest';
import { computeSale } from '../../../../shared/goods/sale.js';
import { openTemp } from '../helpers.js';
import { journals, product, scan } from './setup.js';

const fresh = journals('goods-sales');

function goodsSale(j: ReturnType<ReturnType<typeof journals>>['j']) {
  const apple = j.repos.catalogue.add(product({ stock: 10 }));
  const raw = [
    { name: '苹果', qty: 3, unitFen: 1299, productId: apple.id },
    { name: '袋子', qty: 1, unitFen: 50 },
  ];
  const m = computeSale([{ ...raw[0]!, discount: { kind: 'percent', bp: 1000 } }, raw[1]!], { kind: 'amount', fen: 100 }, 'jiao');
  const lines = raw.map((l, i) => ({ ...l, discountFen: m.lines[i]!.discountFen, amountFen: m.lines[i]!.chargedFen }));
  return { apple, m, lines, adjust: { orderDiscountFen: m.orderDiscountFen, roundingFen: m.roundingFen } };
}

describe('goods sales', () => {
  it('keeps lines, discounts and 抹零 that add up; refuses ones that do not', () => {
    const { j } = fresh();
    const { m, lines, adjust } = goodsSale(j);
    expect(() => j.createAttempt({ ...scan, amountFen: m.totalFen, lines, adjust: { ...adjust, roundingFen: adjust.roundingFen + 1 } })).toThrow(/after line discounts/);
    expect(() => j.createAttempt({ ...scan, amountFen: m.totalFen + 1, lines, adjust })).toThrow(/charged amounts add up to/);
    expect(() => j.createAttempt({ ...scan, amountFen: 100, adjust })).toThrow(/needs lines/);
    const a = j.createAttempt({ ...scan, amountFen: m.totalFen, lines, adjust });
    const sale = j.sale(a.saleId)!;
    expect(sale).toMatchObject({ orderDiscountFen: 100, roundingFen: m.roundingFen, amountFen: m.totalFen });
    expect(sale.lines[0]).toMatchObject({ productId: expect.any(Number), discountFen: 390, amountFen: lines[0]!.amountFen });
    expect(j.checkInvariants()).toEqual([]);
    j.close();
  });

  it('refunds by line: the amount is what the lines come to, never more than sold, stock back on success', () => {
    const { j } = fresh();
    const { apple, m, lines, adjust } = goodsSale(j);
    const a = j.createAttempt({ ...scan, amountFen: m.totalFen, lines, adjust });
    j.transition(a.outTradeNo, 'paid', { source: 'scan', tradeNo: 'GW' });
    expect(j.repos.catalogue.get(apple.id)!.stock).toBe(7);
    const q = j.repos.lineRefunds.quote(a.saleId, [{ lineNo: 1, qty: 1 }]);
    expect(q.amountFen).toBe(Math.floor(lines[0]!.amountFen / 3));
    expect(() => j.createRefund({ outTradeNo: a.outTradeNo, amountFen: q.amountFen + 1, dueAtMs: 1, lines: [{ lineNo: 1, qty: 1 }] })).toThrow(/come to/);
    expect(() => j.createRefund({ outTradeNo: a.outTradeNo, amountFen: 1, dueAtMs: 1, lines: [{ lineNo: 1, qty: 4 }] })).toThrow(/has 3 left to refund, not 4/);
    const r = j.createRefund({ outTradeNo: a.outTradeNo, amountFen: q.amountFen, dueAtMs: 1, lines: [{ lineNo: 1, qty: 1 }] });
    expect(j.repos.catalogue.get(apple.id)!.stock).toBe(7);
    j.refundTransition(r.outRefundNo, 'succeeded', { source: 'refund' });
    expect(j.repos.catalogue.get(apple.id)!.stock).toBe(8);
    const rest = j.repos.lineRefunds.quote(a.saleId, [{ lineNo: 1, qty: 2 }, { lineNo: 2, qty: 1 }]);
    expect(q.amountFen + rest.amountFen).toBe(m.totalFen);
    const r2 = j.createRefund({ outTradeNo: a.outTradeNo, amountFen: rest.amountFen, dueAtMs: 1, lines: [{ lineNo: 1, qty: 2 }, { lineNo: 2, qty: 1 }] });
    j.refundTransition(r2.outRefundNo, 'failed', { source: 'refund' });
    expect(j.repos.catalogue.get(apple.id)!.stock).toBe(8);
    expect(j.repos.lineRefunds.refundedQty(a.saleId)).toEqual(new Map([[1, 1]]));
    expect(j.checkInvariants()).toEqual([]);
    j.close();
  });

  it('held sales survive a reopen and are recalled once', () => {
    const { j } = fresh();
    const h = j.repos.held.hold({ label: '张三', lines: 2, totalFen: 500, draft: { lines: [{ name: 'x' }] } });
    const path = j.db.name;
    j.close();
    const j2 = openTemp(path.slice(0, path.lastIndexOf('/')), path.split('/').pop()!);
    expect(j2.repos.held.list()).toMatchObject([{ id: h.id, label: '张三', lines: 2, totalFen: 500 }]);
    expect(j2.repos.held.recall(h.id)).toEqual({ lines: [{ name: 'x' }] });
    expect(() => j2.repos.held.recall(h.id)).toThrow(/no held sale/);
    expect(j2.repos.held.list()).toEqual([]);
    j2.close();
  });
});
