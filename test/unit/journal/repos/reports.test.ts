// ReportsRepo and the invariant check: search filters and paging, totals per channel by shift,
// day and range, and a damaged journal named by checkJournalInvariants.
import { describe, expect, it } from 'vitest';
import { totalsCondition } from '../../../../electron/journal/repos/reports.js';
import { journals, scan } from './setup.js';

const fresh = journals('reports');

describe('ReportsRepo', () => {
  it('searches by state and part of the order number, newest first, with refunded fen', () => {
    const { j } = fresh();
    const a = j.createAttempt({ ...scan, amountFen: 100 });
    j.transition(a.outTradeNo, 'paid', { source: 'scan' });
    const r = j.createRefund({ outTradeNo: a.outTradeNo, amountFen: 40, dueAtMs: 1 });
    j.refundTransition(r.outRefundNo, 'succeeded', { source: 'refund' });
    const b = j.createAttempt({ ...scan, amountFen: 200 });
    expect(j.repos.reports.search({}).rows.map((x) => x.id)).toEqual([b.id, a.id]);
    expect(j.repos.reports.search({ state: 'paid' }).rows).toMatchObject([{ id: a.id, refundedFen: 40 }]);
    expect(j.repos.reports.search({ outTradeNo: `P${b.id}` })).toMatchObject({ total: 1, rows: [{ id: b.id }] });
    expect(j.repos.reports.search({ outTradeNo: '%' }).total).toBe(0);
    expect(j.repos.reports.search({ limit: 1, offset: 1 }).rows.map((x) => x.id)).toEqual([a.id]);
    j.close();
  });

  it('totals a shift per channel: sales, refunds, reversals and net', () => {
    const { j } = fresh();
    const a = j.createAttempt({ ...scan, amountFen: 1000, shiftId: 1 });
    j.transition(a.outTradeNo, 'paid', { source: 'scan' });
    const r = j.createRefund({ outTradeNo: a.outTradeNo, amountFen: 300, shiftId: 1, dueAtMs: 1 });
    j.refundTransition(r.outRefundNo, 'succeeded', { source: 'refund' });
    j.recordCash({ amountFen: 500, tenderedFen: 500, shiftId: 1 });
    j.recordCash({ amountFen: 7, tenderedFen: 7, shiftId: 2 });
    expect(j.repos.reports.channelTotals({ shiftId: 1 })).toEqual([
      { channel: 'weixin', salesCount: 1, salesFen: 1000, refundsCount: 1, refundsFen: 300, reversalsCount: 0, reversalsFen: 0, netFen: 700 },
      { channel: 'cash', salesCount: 1, salesFen: 500, refundsCount: 0, refundsFen: 0, reversalsCount: 0, reversalsFen: 0, netFen: 500 },
    ]);
    expect(j.repos.reports.channelTotals({ businessDate: a.businessDate }).find((t) => t.channel === 'cash')!.salesFen).toBe(507);
    expect(j.repos.reports.channelTotals({ fromDate: '2000-01-01', toDate: '2000-01-02' })).toEqual([]);
    j.close();
  });

  it('builds the totals condition for each filter', () => {
    expect(totalsCondition({ shiftId: 4 }, 's')).toEqual(['s.shift_id = ?', [4]]);
    expect(totalsCondition({ businessDate: '2025-06-01' })).toEqual(['business_date = ?', ['2025-06-01']]);
    expect(totalsCondition({ fromDate: 'a', toDate: 'b' })).toEqual(['business_date BETWEEN ? AND ?', ['a', 'b']]);
  });

  it('the invariant check names a sale whose lines do not add up (a damaged file)', () => {
    const { j } = fresh();
    const a = j.createAttempt({ ...scan, amountFen: 300, lines: [{ name: 'tea', qty: 3, unitFen: 100 }] });
    expect(j.checkInvariants()).toEqual([]);
    j.db.prepare('UPDATE sale_lines SET qty = 2 WHERE sale_id = ?').run(a.saleId);
    expect(j.checkInvariants()).toEqual([`sale ${a.saleId}: lines add up to 200 fen, amount is 300 fen`]);
    j.close();
  });
});
