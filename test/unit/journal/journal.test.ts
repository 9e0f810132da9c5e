// The journal's typed repositories on a real SQLite file: what is written, what is refused,
// what is derived (outbox, reversals, audit, totals) and that invariants hold after each change.
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import Database from 'better-sqlite3';
import { JournalConflictError, JournalInvariantError, localDateOf, type Journal } from '../../../electron/journal/journal.js';
import { canTransition, type AttemptState } from '../../../shared/payment.js';
import { manualClock, openTemp, tempDir } from './helpers.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());
let n = 0;
function fresh(extra: Parameters<typeof openTemp>[2] = {}): { j: Journal; clock: ReturnType<typeof manualClock> } {
  const clock = manualClock();
  return { j: openTemp(tmp.dir, `j${++n}.db`, { now: clock.now, ...extra }), clock };
}
const scan = { kind: 'scan' as const, channel: 'weixin' as const, method: 'weixin.scan_qr_code_pay', settleDueAtMs: 0 };

describe('journal', () => {
  it('opens in WAL with synchronous=FULL and foreign keys on', () => {
    const { j } = fresh();
    expect(j.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(j.db.pragma('synchronous', { simple: true })).toBe(2);
    expect(j.db.pragma('foreign_keys', { simple: true })).toBe(1);
    j.close();
  });

  it('creates a sale and attempt with an order number made once, an outbox row and an audit entry', () => {
    const { j, clock } = fresh();
    const a = j.createAttempt({ ...scan, amountFen: 1999, maskedAuthCode: '1300**********1234', deadlineAtMs: clock.now() + 45_000, shiftId: 7, settleDueAtMs: clock.now() + 5000 });
    expect(a.outTradeNo).toBe('T01_abcd1234_P1');
    expect(a).toMatchObject({ state: 'created', amountFen: 1999, shiftId: 7, businessDate: localDateOf(clock.now()), finalAt: null });
    expect(j.openWork()).toMatchObject([{ subject: 'attempt', ref: a.outTradeNo, action: 'settle', dueAtMs: clock.now() + 5000 }]);
    expect(j.timeline(a.id)).toMatchObject([{ fromState: null, toState: 'created', source: 'create' }]);
    expect(j.audit.entries(a.outTradeNo).map((e) => e.kind)).toEqual(['attempt.created']);
    expect(j.createAttempt({ ...scan, amountFen: 1 }).outTradeNo).toBe('T01_abcd1234_P2');
    expect(j.checkInvariants()).toEqual([]);
    j.close();
  });

  it('refuses lines that do not add up, and keeps lines that do', () => {
    const { j } = fresh();
    expect(() => j.createAttempt({ ...scan, amountFen: 500, lines: [{ name: 'tea', qty: 2, unitFen: 200 }] })).toThrow(/add up to 400 fen but the amount is 500/);
    const a = j.createAttempt({ ...scan, amountFen: 500, lines: [{ name: 'tea', qty: 2, unitFen: 200 }, { name: 'bun', barcode: '6901234567892', qty: 1, unitFen: 100 }] });
    expect(j.sale(a.saleId)!.lines).toEqual([{ name: 'tea', qty: 2, unitFen: 200 }, { name: 'bun', barcode: '6901234567892', qty: 1, unitFen: 100 }]);
    expect(() => j.createAttempt({ ...scan, amountFen: 0 })).toThrow(JournalConflictError);
    j.close();
  });

  it('moves through pending → reversing → refunded with outbox, reversal record and audit in step', () => {
    const { j, clock } = fresh();
    const a = j.createAttempt({ ...scan, amountFen: 300 });
    j.transition(a.outTradeNo, 'pending', { source: 'scan', reason: 'USERPAYING', next: { action: 'settle', dueAtMs: 10 } });
    clock.advance(1000);
    j.transition(a.outTradeNo, 'reversing', { source: 'query', reason: 'deadline', reversalWhy: 'deadline', next: { action: 'reverse', dueAtMs: 20 } });
    expect(j.openWork()).toMatchObject([{ ref: a.outTradeNo, action: 'reverse', dueAtMs: 20 }]);
    expect(j.reversal(a.id)).toMatchObject({ why: 'deadline', result: null });
    const r = j.transition(a.outTradeNo, 'refunded', { source: 'reverse', tradeNo: 'GW1' });
    expect(r).toMatchObject({ state: 'refunded', tradeNo: 'GW1' });
    expect(r.finalAt).not.toBeNull();
    expect(j.openWork()).toEqual([]);
    expect(j.reversal(a.id)).toMatchObject({ result: 'refunded' });
    expect(j.timeline(a.id).map((t) => t.toState)).toEqual(['created', 'pending', 'reversing', 'refunded']);
    expect(j.checkInvariants()).toEqual([]);
    j.close();
  });

  it('refuses backward moves and non-final moves without owed work, changing nothing', () => {
    const { j } = fresh();
    const a = j.createAttempt({ ...scan, amountFen: 300 });
    j.transition(a.outTradeNo, 'paid', { source: 'scan', tradeNo: 'GW1' });
    expect(() => j.transition(a.outTradeNo, 'pending', { source: 'query', next: { action: 'settle', dueAtMs: 0 } })).toThrow(JournalInvariantError);
    expect(() => j.transition(a.outTradeNo, 'paid', { source: 'query' })).toThrow(/paid → paid is not allowed/);
    const b = j.createAttempt({ ...scan, amountFen: 300 });
    expect(() => j.transition(b.outTradeNo, 'pending', { source: 'scan' })).toThrow(/must say what is owed next/);
    expect(() => j.transition(b.outTradeNo, 'reversing', { source: 'scan', next: { action: 'reverse', dueAtMs: 0 } })).toThrow(/needs a reason/);
    expect(() => j.transition(a.outTradeNo, 'refunded', { source: 'reverse', tradeNo: 'OTHER' })).toThrow(/trade_no changed/);
    expect(j.attempt(b.outTradeNo)!.state).toBe('created');
    expect(j.timeline(b.id)).toHaveLength(1);
    expect(j.checkInvariants()).toEqual([]);
    j.close();
  });

  it('lets a sale take a new attempt only after the earlier ones took no money', () => {
    const { j } = fresh();
    const a = j.createAttempt({ ...scan, amountFen: 300 });
    expect(() => j.createAttempt({ ...scan, amountFen: 300, saleId: a.saleId })).toThrow(/already has attempt .* in state created/);
    j.transition(a.outTradeNo, 'declined', { source: 'scan', reason: 'balance' });
    expect(() => j.createAttempt({ ...scan, amountFen: 301, saleId: a.saleId })).toThrow(/is for 300 fen/);
    const b = j.createAttempt({ ...scan, amountFen: 300, saleId: a.saleId });
    j.transition(b.outTradeNo, 'paid', { source: 'scan' });
    expect(() => j.createAttempt({ ...scan, amountFen: 300, saleId: a.saleId })).toThrow(/in state paid/);
    expect(j.attemptsOfSale(a.saleId).map((x) => x.state)).toEqual(['declined', 'paid']);
    j.close();
  });

  it('records cash with tendered and change, paid at once, nothing owed', () => {
    const { j } = fresh();
    expect(() => j.recordCash({ amountFen: 1000, tenderedFen: 999 })).toThrow(/less than the amount/);
    const { attempt, cash } = j.recordCash({ amountFen: 1000, tenderedFen: 5000 });
    expect(attempt).toMatchObject({ kind: 'cash', channel: 'cash', state: 'paid' });
    expect(cash).toEqual({ attemptId: attempt.id, tenderedFen: 5000, changeFen: 4000 });
    expect(j.openWork()).toEqual([]);
    expect(j.checkInvariants()).toEqual([]);
    j.close();
  });

  it('refunds: number made first, never more than paid, forward-only states, outbox closed on answer', () => {
    const { j } = fresh();
    const a = j.createAttempt({ ...scan, amountFen: 1000 });
    expect(() => j.createRefund({ outTradeNo: a.outTradeNo, amountFen: 1, dueAtMs: 0 })).toThrow(/only a paid order/);
    j.transition(a.outTradeNo, 'paid', { source: 'scan' });
    const r1 = j.createRefund({ outTradeNo: a.outTradeNo, amountFen: 600, reason: 'broken cup', dueAtMs: 0, shiftId: 2 });
    expect(r1).toMatchObject({ outRefundNo: 'T01_abcd1234_R1', state: 'created', amountFen: 600, channel: 'weixin', shiftId: 2 });
    expect(() => j.createRefund({ outTradeNo: a.outTradeNo, amountFen: 401, dueAtMs: 0 })).toThrow(/more than the 400 fen still refundable/);
    j.refundTransition(r1.outRefundNo, 'processing', { source: 'refund', answer: 'REFUND_PROCESSING', next: { dueAtMs: 50 } });
    expect(j.owedWork('refund', r1.outRefundNo)).toMatchObject({ dueAtMs: 50 });
    j.refundTransition(r1.outRefundNo, 'failed', { source: 'refund', answer: 'REFUND_FAILER' });
    expect(j.owedWork('refund', r1.outRefundNo)).toBeNull();
    expect(() => j.refundTransition(r1.outRefundNo, 'succeeded', { source: 'refund' })).toThrow(/failed → succeeded/);
    const r2 = j.createRefund({ outTradeNo: a.outTradeNo, amountFen: 1000, dueAtMs: 0 });
    j.refundTransition(r2.outRefundNo, 'succeeded', { source: 'refund' });
    expect(j.refundSums(a.id)).toEqual({ committedFen: 1000, succeededFen: 1000 });
    expect(j.search({}).rows[0]).toMatchObject({ outTradeNo: a.outTradeNo, refundedFen: 1000 });
    expect(j.checkInvariants()).toEqual([]);
    j.close();
  });

  it('owes a reverse of a paid attempt without changing its state until answered', () => {
    const { j } = fresh();
    const a = j.createAttempt({ ...scan, amountFen: 1000 });
    j.transition(a.outTradeNo, 'paid', { source: 'scan' });
    j.requestReverseOfPaid(a.outTradeNo, 5);
    expect(j.openWork()).toMatchObject([{ ref: a.outTradeNo, action: 'reverse' }]);
    expect(() => j.createRefund({ outTradeNo: a.outTradeNo, amountFen: 1, dueAtMs: 0 })).toThrow(/being reversed/);
    j.reschedule('attempt', a.outTradeNo, 'reverse', 99, { error: 'timeout' });
    expect(j.owedWork('attempt', a.outTradeNo)).toMatchObject({ tries: 1, lastError: 'timeout', dueAtMs: 99 });
    expect(j.reversal(a.id)).toMatchObject({ tries: 1 });
    j.transition(a.outTradeNo, 'refunded', { source: 'reverse' });
    expect(j.reversal(a.id)).toMatchObject({ why: 'manager', result: 'refunded' });
    expect(j.checkInvariants()).toEqual([]);
    j.close();
  });

  it('totals per shift and per day, per channel, to the fen', () => {
    const { j, clock } = fresh();
    const paid = (channel: 'weixin' | 'alipay', amountFen: number, shiftId: number) => {
      const a = j.createAttempt({ ...scan, channel, amountFen, shiftId });
      return j.transition(a.outTradeNo, 'paid', { source: 'scan' });
    };
    paid('weixin', 1000, 1);
    const w2 = paid('weixin', 250, 1);
    paid('alipay', 333, 1);
    paid('alipay', 9999, 2);
    const rev = j.createAttempt({ ...scan, amountFen: 700, shiftId: 1 });
    j.transition(rev.outTradeNo, 'reversing', { source: 'cancel', reversalWhy: 'cancel', next: { action: 'reverse', dueAtMs: 0 } });
    j.transition(rev.outTradeNo, 'refunded', { source: 'reverse' });
    const declined = j.createAttempt({ ...scan, amountFen: 5, shiftId: 1 });
    j.transition(declined.outTradeNo, 'declined', { source: 'scan' });
    j.recordCash({ amountFen: 800, tenderedFen: 1000, shiftId: 1 });
    const r = j.createRefund({ outTradeNo: w2.outTradeNo, amountFen: 50, dueAtMs: 0, shiftId: 2 });
    j.refundTransition(r.outRefundNo, 'succeeded', { source: 'refund' });
    expect(j.channelTotals({ shiftId: 1 })).toEqual([
      { channel: 'weixin', salesCount: 3, salesFen: 1950, refundsCount: 0, refundsFen: 0, reversalsCount: 1, reversalsFen: 700, netFen: 1250 },
      { channel: 'alipay', salesCount: 1, salesFen: 333, refundsCount: 0, refundsFen: 0, reversalsCount: 0, reversalsFen: 0, netFen: 333 },
      { channel: 'cash', salesCount: 1, salesFen: 800, refundsCount: 0, refundsFen: 0, reversalsCount: 0, reversalsFen: 0, netFen: 800 },
    ]);
    expect(j.channelTotals({ shiftId: 2 })).toEqual([
      { channel: 'weixin', salesCount: 0, salesFen: 0, refundsCount: 1, refundsFen: 50, reversalsCount: 0, reversalsFen: 0, netFen: -50 },
      { channel: 'alipay', salesCount: 1, salesFen: 9999, refundsCount: 0, refundsFen: 0, reversalsCount: 0, reversalsFen: 0, netFen: 9999 },
    ]);
    const day = j.channelTotals({ businessDate: localDateOf(clock.now()) });
    expect(day.reduce((s, c) => s + c.netFen, 0)).toBe(1250 + 333 + 800 - 50 + 9999);
    expect(j.channelTotals({ businessDate: '1999-01-01' })).toEqual([]);
    j.close();
  });

  it('searches by state, channel, date range and part of the order number', () => {
    const { j, clock } = fresh();
    const a = j.createAttempt({ ...scan, amountFen: 100 });
    clock.advance(2 * 86_400_000);
    const b = j.createAttempt({ ...scan, channel: 'alipay', method: 'alipay.scan_qr_code_pay', amountFen: 200 });
    j.transition(b.outTradeNo, 'paid', { source: 'scan' });
    expect(j.search({}).total).toBe(2);
    expect(j.search({ state: 'paid' }).rows.map((r) => r.outTradeNo)).toEqual([b.outTradeNo]);
    expect(j.search({ channel: 'weixin' }).rows.map((r) => r.outTradeNo)).toEqual([a.outTradeNo]);
    expect(j.search({ to: a.businessDate }).rows.map((r) => r.outTradeNo)).toEqual([a.outTradeNo]);
    expect(j.search({ outTradeNo: '_P2' }).rows.map((r) => r.outTradeNo)).toEqual([b.outTradeNo]);
    expect(j.search({ outTradeNo: '%' }).total).toBe(0);
    expect(j.search({ limit: 1, offset: 1 })).toMatchObject({ total: 2, rows: [{ outTradeNo: a.outTradeNo }] });
    j.close();
  });

  it('makes wire-valid order numbers from any terminal id the settings allow', () => {
    const j = openTemp(tmp.dir, 'dash.db', { terminalId: 'till-2_a' });
    expect(j.createAttempt({ ...scan, amountFen: 1 }).outTradeNo).toBe('till_2_a_abcd1234_P1');
    j.close();
    expect(() => openTemp(tmp.dir, 'bad.db', { terminalId: 'till 2' })).toThrow(/terminalId/);
  });

  it('keeps the stored journal id and order numbers across reopen', () => {
    const clock = manualClock();
    const j1 = openTemp(tmp.dir, 'reopen.db', { now: clock.now, journalId: 'zzzz9999' });
    j1.createAttempt({ ...scan, amountFen: 1 });
    j1.close();
    const j2 = openTemp(tmp.dir, 'reopen.db', { now: clock.now, journalId: 'ignored1' });
    expect(j2.journalId).toBe('zzzz9999');
    expect(j2.createAttempt({ ...scan, amountFen: 1 }).outTradeNo).toBe('T01_zzzz9999_P2');
    j2.close();
  });

  it('refuses on read a row that breaks the model (damaged file)', () => {
    const { j } = fresh();
    const a = j.createAttempt({ ...scan, amountFen: 100 });
    const path = j.db.name;
    j.close();
    const raw = new Database(path);
    raw.exec('DROP TRIGGER attempts_state_forward');
    raw.prepare(`UPDATE attempts SET state = 'paid' WHERE id = ?`).run(a.id); // final_at left NULL
    raw.close();
    const j2 = openTemp(tmp.dir, path.split('/').pop()!);
    expect(() => j2.attempt(a.outTradeNo)).toThrow(/final_at does not match/);
    expect(j2.checkInvariants().join('\n')).toMatch(/is paid but its last logged transition is to created/);
    j2.close();
  });

  it('property: any sequence of requested moves leaves only allowed transitions and a consistent journal', () => {
    const states: AttemptState[] = ['pending', 'reversing', 'paid', 'declined', 'closed', 'refunded'];
    const { j } = fresh();
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...states), { maxLength: 8 }), (moves) => {
        const a = j.createAttempt({ ...scan, amountFen: 100 });
        let state: AttemptState = 'created';
        for (const to of moves) {
          const allowed = canTransition(state, to);
          const next = to === 'reversing' ? { action: 'reverse' as const, dueAtMs: 0 } : { action: 'settle' as const, dueAtMs: 0 };
          try {
            j.transition(a.outTradeNo, to, { source: 'query', next, reversalWhy: 'deadline' });
            expect(allowed).toBe(true);
            state = to;
          } catch (e) {
            expect(e).toBeInstanceOf(JournalInvariantError);
            expect(allowed).toBe(false);
          }
          expect(j.attempt(a.outTradeNo)!.state).toBe(state);
        }
      }),
      { numRuns: 150 },
    );
    expect(j.checkInvariants()).toEqual([]);
    j.close();
  });
});
