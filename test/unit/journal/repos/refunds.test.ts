// RefundsRepo: refunds never above what was paid, forward-only answers closing the outbox row,
// cash refunds owing nothing, the manager's reverse of a paid attempt.
import { describe, expect, it } from 'vitest';
import { JournalConflictError } from '../../../../electron/journal/journal.js';
import { journals, scan } from './setup.js';

const fresh = journals('refunds');

function paid(j: ReturnType<ReturnType<typeof journals>>['j'], amountFen = 1000) {
  const a = j.createAttempt({ ...scan, amountFen });
  return j.transition(a.outTradeNo, 'paid', { source: 'scan', tradeNo: `GW${a.id}` });
}

describe('RefundsRepo', () => {
  it('creates refunds up to what was paid; a failed one frees its amount again', () => {
    const { j } = fresh();
    const a = paid(j);
    const r1 = j.repos.refunds.create({ outTradeNo: a.outTradeNo, amountFen: 600, dueAtMs: 1 });
    expect(r1).toMatchObject({ outRefundNo: 'T01_abcd1234_R1', state: 'created', amountFen: 600 });
    expect(j.repos.outbox.owed('refund', r1.outRefundNo)).toMatchObject({ action: 'refund' });
    expect(() => j.repos.refunds.create({ outTradeNo: a.outTradeNo, amountFen: 401, dueAtMs: 1 })).toThrow(/more than the 400 fen still refundable/);
    j.repos.refunds.transition(r1.outRefundNo, 'failed', { source: 'refund', answer: 'no' });
    expect(j.repos.outbox.owed('refund', r1.outRefundNo)).toBeNull();
    expect(j.repos.refunds.sums(a.id)).toEqual({ committedFen: 0, succeededFen: 0 });
    const r2 = j.repos.refunds.create({ outTradeNo: a.outTradeNo, amountFen: 1000, dueAtMs: 1 });
    j.repos.refunds.transition(r2.outRefundNo, 'processing', { source: 'refund', next: { dueAtMs: 42 } });
    expect(j.repos.outbox.owed('refund', r2.outRefundNo)).toMatchObject({ dueAtMs: 42 });
    j.repos.refunds.transition(r2.outRefundNo, 'succeeded', { source: 'refund' });
    expect(() => j.repos.refunds.transition(r2.outRefundNo, 'processing', { source: 'refund' })).toThrow(/is not allowed/);
    expect(j.repos.refunds.sums(a.id)).toEqual({ committedFen: 1000, succeededFen: 1000 });
    expect(j.repos.refunds.of(a.id).map((r) => r.state)).toEqual(['failed', 'succeeded']);
    expect(j.checkInvariants()).toEqual([]);
    j.close();
  });

  it('refuses a refund of an order that is not paid or is being reversed', () => {
    const { j } = fresh();
    const open = j.createAttempt({ ...scan, amountFen: 100 });
    expect(() => j.repos.refunds.create({ outTradeNo: open.outTradeNo, amountFen: 100, dueAtMs: 1 })).toThrow(/only a paid order/);
    expect(() => j.repos.refunds.create({ outTradeNo: 'nope', amountFen: 100, dueAtMs: 1 })).toThrow(JournalConflictError);
    const a = paid(j);
    j.repos.refunds.requestReverseOfPaid(a.outTradeNo, 5);
    expect(j.attempt(a.outTradeNo)!.state).toBe('paid');
    expect(j.repos.reversals.get(a.id)).toMatchObject({ why: 'manager' });
    expect(() => j.repos.refunds.create({ outTradeNo: a.outTradeNo, amountFen: 1, dueAtMs: 1 })).toThrow(/being reversed/);
    expect(() => j.repos.refunds.requestReverseOfPaid(a.outTradeNo, 5)).toThrow(/already has work owed/);
    j.close();
  });

  it('a cash refund owes no gateway call; a refunded order cannot be reversed', () => {
    const { j } = fresh();
    const { attempt } = j.recordCash({ amountFen: 500, tenderedFen: 500 });
    const r = j.repos.refunds.create({ outTradeNo: attempt.outTradeNo, amountFen: 200, dueAtMs: 1 });
    expect(j.repos.outbox.owed('refund', r.outRefundNo)).toBeNull();
    expect(() => j.repos.refunds.requestReverseOfPaid(attempt.outTradeNo, 1)).toThrow(/has refunds/);
    j.close();
  });
});
