// OutboxRepo and ReversalsRepo: owed work by subject, due order, reschedule with failed tries,
// closing owed work of a final attempt with the reversal answered.
import { describe, expect, it } from 'vitest';
import { JournalInvariantError } from '../../../../electron/journal/journal.js';
import { journals, scan } from './setup.js';

const fresh = journals('outbox');

describe('OutboxRepo', () => {
  it('lists open work by due time and only what is due', () => {
    const { j } = fresh();
    const a = j.createAttempt({ ...scan, amountFen: 100, settleDueAtMs: 300 });
    const b = j.createAttempt({ ...scan, amountFen: 200, settleDueAtMs: 100 });
    expect(j.repos.outbox.open().map((o) => o.ref)).toEqual([b.outTradeNo, a.outTradeNo]);
    expect(j.repos.outbox.due(200, 10).map((o) => o.ref)).toEqual([b.outTradeNo]);
    expect(j.repos.outbox.due(1000, 1)).toHaveLength(1);
    expect(j.repos.outbox.owed('attempt', a.outTradeNo)).toMatchObject({ action: 'settle', dueAtMs: 300, tries: 0 });
    expect(j.repos.outbox.owed('refund', a.outTradeNo)).toBeNull();
    j.close();
  });

  it('reschedules: a failed reverse try counts on the row and on the reversal, its error kept', () => {
    const { j } = fresh();
    const a = j.createAttempt({ ...scan, amountFen: 100 });
    j.transition(a.outTradeNo, 'reversing', { source: 'cancel', reversalWhy: 'cancel', next: { action: 'reverse', dueAtMs: 5 } });
    const o = j.repos.outbox.reschedule('attempt', a.outTradeNo, 'reverse', 50, { error: 'timeout' });
    expect(o).toMatchObject({ action: 'reverse', dueAtMs: 50, tries: 1, lastError: 'timeout' });
    expect(j.repos.reversals.get(a.id)).toMatchObject({ why: 'cancel', tries: 1, result: null });
    const again = j.repos.outbox.reschedule('attempt', a.outTradeNo, 'reverse', 60, null);
    expect(again).toMatchObject({ tries: 1, lastError: 'timeout', dueAtMs: 60 });
    expect(() => j.repos.outbox.reschedule('refund', 'nope', 'refund', 1, null)).toThrow(JournalInvariantError);
    j.close();
  });

  it('closes owed work only of a final attempt, answering its reversal, with an audit entry', () => {
    const { j } = fresh();
    const a = j.createAttempt({ ...scan, amountFen: 100 });
    expect(() => j.repos.outbox.closeOwedWork('attempt', a.outTradeNo, 'x')).toThrow(/cannot be closed/);
    expect(j.repos.outbox.owed('attempt', a.outTradeNo)).not.toBeNull();
    j.transition(a.outTradeNo, 'paid', { source: 'scan', tradeNo: 'GW' });
    j.requestReverseOfPaid(a.outTradeNo, 10);
    j.repos.outbox.closeOwedWork('attempt', a.outTradeNo, 'gateway refused the reverse');
    expect(j.repos.outbox.owed('attempt', a.outTradeNo)).toBeNull();
    expect(j.repos.reversals.get(a.id)).toMatchObject({ why: 'manager', result: 'paid' });
    expect(j.audit.entries(a.outTradeNo).at(-1)).toMatchObject({ kind: 'attempt.work_closed' });
    j.repos.outbox.closeOwedWork('attempt', a.outTradeNo, 'again: nothing open, nothing done');
    expect(j.audit.entries(a.outTradeNo).filter((e) => e.kind === 'attempt.work_closed')).toHaveLength(1);
    expect(j.checkInvariants()).toEqual([]);
    j.close();
  });
});
