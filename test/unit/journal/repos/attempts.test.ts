// AttemptsRepo: creation with its sale, cash, transitions with their derived rows, field
// updates, not-found counting and the late refund number.
import { describe, expect, it } from 'vitest';
import { JournalConflictError, JournalInvariantError } from '../../../../electron/journal/journal.js';
import { journals, scan } from './setup.js';

const fresh = journals('attempts');

describe('AttemptsRepo', () => {
  it('creates the sale and attempt, logs the first transition and owes a settle', () => {
    const { j } = fresh();
    const a = j.repos.attempts.create({ ...scan, amountFen: 300, lines: [{ name: 'tea', qty: 3, unitFen: 100 }], settleDueAtMs: 9 });
    expect(a).toMatchObject({ state: 'created', outTradeNo: 'T01_abcd1234_P1' });
    expect(j.repos.sales.get(a.saleId)!.lines).toHaveLength(1);
    expect(j.repos.attempts.timeline(a.id)).toMatchObject([{ fromState: null, toState: 'created', source: 'create' }]);
    expect(j.repos.outbox.owed('attempt', a.outTradeNo)).toMatchObject({ action: 'settle', dueAtMs: 9 });
    expect(j.repos.attempts.open().map((x) => x.id)).toEqual([a.id]);
    expect(j.repos.attempts.byId(a.id)).toEqual(a);
    j.close();
  });

  it('continues a sale only after its attempts took no money, for the same amount', () => {
    const { j } = fresh();
    const a = j.repos.attempts.create({ ...scan, amountFen: 300 });
    expect(() => j.repos.attempts.create({ ...scan, amountFen: 300, saleId: a.saleId })).toThrow(/already has attempt/);
    j.transition(a.outTradeNo, 'declined', { source: 'scan' });
    expect(() => j.repos.attempts.create({ ...scan, amountFen: 301, saleId: a.saleId })).toThrow(/is for 300 fen/);
    expect(() => j.repos.attempts.create({ ...scan, amountFen: 300, saleId: 99 })).toThrow(JournalConflictError);
    const b = j.repos.attempts.create({ ...scan, amountFen: 300, saleId: a.saleId });
    expect(j.repos.attempts.ofSale(a.saleId).map((x) => x.id)).toEqual([a.id, b.id]);
    j.close();
  });

  it('records cash paid at once with change, nothing owed; refuses too little tendered', () => {
    const { j } = fresh();
    const { attempt, cash } = j.repos.attempts.recordCash({ amountFen: 850, tenderedFen: 1000 });
    expect(attempt).toMatchObject({ state: 'paid', kind: 'cash', channel: 'cash' });
    expect(cash).toEqual({ attemptId: attempt.id, tenderedFen: 1000, changeFen: 150 });
    expect(j.repos.attempts.cashTender(attempt.id)).toEqual(cash);
    expect(j.repos.outbox.open()).toEqual([]);
    expect(() => j.repos.attempts.recordCash({ amountFen: 850, tenderedFen: 800 })).toThrow(/less than the amount/);
    j.close();
  });

  it('transition: forward only, a non-final move says what is owed, trade_no never changes', () => {
    const { j } = fresh();
    const a = j.repos.attempts.create({ ...scan, amountFen: 300 });
    expect(() => j.repos.attempts.transition(a.outTradeNo, 'pending', { source: 'scan' })).toThrow(/must say what is owed next/);
    j.repos.attempts.transition(a.outTradeNo, 'pending', { source: 'scan', tradeNo: 'GW1', next: { action: 'settle', dueAtMs: 77 } });
    expect(j.repos.outbox.owed('attempt', a.outTradeNo)).toMatchObject({ dueAtMs: 77 });
    expect(() => j.repos.attempts.transition(a.outTradeNo, 'paid', { source: 'query', tradeNo: 'GW2' })).toThrow(/trade_no changed/);
    const paid = j.repos.attempts.transition(a.outTradeNo, 'paid', { source: 'query' });
    expect(paid).toMatchObject({ state: 'paid', tradeNo: 'GW1' });
    expect(j.repos.outbox.owed('attempt', a.outTradeNo)).toBeNull();
    expect(() => j.repos.attempts.transition(a.outTradeNo, 'pending', { source: 'scan', next: { action: 'settle', dueAtMs: 1 } })).toThrow(JournalInvariantError);
    expect(j.repos.attempts.timeline(a.id).map((t) => t.toState)).toEqual(['created', 'pending', 'paid']);
    j.close();
  });

  it('update changes facts, not the state; countNotFound counts; the late refund number is stable', () => {
    const { j } = fresh();
    const a = j.repos.attempts.create({ ...scan, amountFen: 300 });
    const u = j.repos.attempts.update(a.outTradeNo, { qrUrl: 'weixin://x', reason: 'r' }, 'create');
    expect(u).toMatchObject({ state: 'created', qrUrl: 'weixin://x', reason: 'r' });
    expect(j.repos.attempts.countNotFound(a.outTradeNo, 'query')).toBe(1);
    expect(j.repos.attempts.countNotFound(a.outTradeNo, 'query')).toBe(2);
    expect(() => j.repos.attempts.countNotFound('nope', 'query')).toThrow(/does not exist/);
    expect(j.repos.attempts.lateRefundNumber(a.outTradeNo)).toBe(`T01_abcd1234_L${a.id}`);
    expect(j.repos.attempts.get('nope')).toBeNull();
    j.close();
  });
});
