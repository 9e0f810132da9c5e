// One state change of an attempt, as every flow of the engine makes it: committed to the journal
// if the state machine allows it (journal first), and only then told to the UI. An answer that
// repeats the state only refreshes what is owed next and the gateway's trade_no; an answer the
// state machine forbids (a late "paying" for an order already closed…) is noted, never applied.
import { canTransition, type AttemptState } from '../../shared/payment.js';
import type { AttemptRow, Journal, TransitionChange } from '../journal/journal.js';

export interface CommitDeps {
  journal: Journal;
  log(line: string): void;
  emitProgress(a: AttemptRow): void;
}

export function commitMove(d: CommitDeps, a: AttemptRow, to: AttemptState, change: TransitionChange): AttemptRow {
  const { journal } = d;
  if (a.state === to) {
    const row = journal.owedWork('attempt', a.outTradeNo);
    if (change.next && row) journal.reschedule('attempt', a.outTradeNo, change.next.action, change.next.dueAtMs, null);
    if (change.tradeNo && !a.tradeNo) a = journal.updateAttempt(a.outTradeNo, { tradeNo: change.tradeNo }, change.source);
    d.emitProgress(a);
    return a;
  }
  if (!canTransition(a.state, to)) {
    journal.note('attempt.unexpected_answer', a.outTradeNo, { state: a.state, answer: to, source: change.source, reason: change.reason ?? null });
    return a;
  }
  const after = journal.transition(a.outTradeNo, to, change);
  d.log(`${after.outTradeNo}: ${a.state} → ${to} (${change.source}${after.reason ? `: ${after.reason}` : ''})`);
  d.emitProgress(after);
  return after;
}
