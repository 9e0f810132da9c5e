// The outbox: every gateway call still owed (settle, reverse, refund), one open row per attempt
// or refund (unique partial index), with its due time, tries and last error. What recovery and
// the engine's timers read; closed in the same transaction as the final state it was owed for.
import type Database from 'better-sqlite3';
import { isFinalAttemptState } from '../../../shared/payment.js';
import { clip, invariant, isoOf, type JournalContext } from '../base.js';
import type { AttemptRow, OutboxAction, OutboxRow } from '../types.js';
import type { ReversalsRepo } from './reversals.js';

export type OutboxSubject = 'attempt' | 'refund';

const OUTBOX_COLUMNS = `id, subject, ref, action, due_at_ms AS dueAtMs, tries, last_error AS lastError, opened_at AS openedAt, closed_at AS closedAt`;

export class OutboxRepo {
  private readonly db: Database.Database;
  private readonly s;

  /** `attemptOf` reads an attempt by order number (the attempts repository, made after this one). */
  constructor(
    private readonly ctx: JournalContext,
    private readonly reversals: ReversalsRepo,
    private readonly attemptOf: (outTradeNo: string) => AttemptRow | null,
  ) {
    const db = (this.db = ctx.db);
    this.s = {
      open: db.prepare(`SELECT ${OUTBOX_COLUMNS} FROM outbox WHERE subject = ? AND ref = ? AND closed_at IS NULL`),
      insert: db.prepare('INSERT INTO outbox (subject, ref, action, due_at_ms, tries, last_error, opened_at) VALUES (?, ?, ?, ?, 0, NULL, ?)'),
      reschedule: db.prepare('UPDATE outbox SET action = ?, due_at_ms = ?, tries = tries + ?, last_error = ? WHERE id = ?'),
      close: db.prepare('UPDATE outbox SET closed_at = ? WHERE id = ?'),
      allOpen: db.prepare(`SELECT ${OUTBOX_COLUMNS} FROM outbox INDEXED BY outbox_due WHERE closed_at IS NULL ORDER BY due_at_ms, id`),
      due: db.prepare(`SELECT ${OUTBOX_COLUMNS} FROM outbox INDEXED BY outbox_due WHERE closed_at IS NULL AND due_at_ms <= ? ORDER BY due_at_ms, id LIMIT ?`),
      closeOpenOf: db.prepare('UPDATE outbox SET closed_at = ? WHERE subject = ? AND ref = ? AND closed_at IS NULL'),
      rescheduleOpenOf: db.prepare('UPDATE outbox SET action = ?, due_at_ms = ?, last_error = NULL WHERE subject = ? AND ref = ? AND closed_at IS NULL'),
    };
  }

  // ------------------------------------------------ inside another repository's transaction

  /** Opens a row of owed work. */
  owe(subject: OutboxSubject, ref: string, action: OutboxAction, dueAtMs: number, at: string): void {
    this.s.insert.run(subject, ref, action, dueAtMs, at);
  }

  /** Closes the open row of a subject, if any. */
  closeOpenOf(subject: OutboxSubject, ref: string, at: string): void {
    this.s.closeOpenOf.run(at, subject, ref);
  }

  /** Moves the open row of a subject to a new action and due time; false when there was none. */
  rescheduleOpenOf(subject: OutboxSubject, ref: string, action: OutboxAction, dueAtMs: number): boolean {
    return this.s.rescheduleOpenOf.run(action, dueAtMs, subject, ref).changes > 0;
  }

  /** Closes one row by id. */
  closeRow(id: number, at: string): void {
    this.s.close.run(at, id);
  }

  /** Reschedules one row by id without counting a try. */
  moveRow(id: number, action: OutboxAction, dueAtMs: number): void {
    this.s.reschedule.run(action, dueAtMs, 0, null, id);
  }

  // ------------------------------------------------ own transactions

  /**
   * Reschedules the open outbox row of an attempt or refund (the call is still owed): a failed
   * try counts, and its error is kept for the history screen.
   */
  reschedule(subject: OutboxSubject, ref: string, action: OutboxAction, dueAtMs: number, failedTry: { error: string } | null): OutboxRow {
    return this.db
      .transaction(() => {
        const open = this.owed(subject, ref);
        invariant(open, `no owed work for ${subject} ${ref}`);
        this.s.reschedule.run(action, dueAtMs, failedTry ? 1 : 0, failedTry ? clip(failedTry.error) : open.lastError, open.id);
        if (subject === 'attempt' && action === 'reverse' && failedTry) {
          const a = this.attemptOf(ref);
          invariant(a, `attempt ${ref} does not exist`);
          this.reversals.countFailedTry(a.id);
        }
        return this.owed(subject, ref)!;
      })
      .immediate();
  }

  /** The gateway answered a reverse of a paid attempt without refunding (it refused): work closed, state stays paid. */
  closeOwedWork(subject: OutboxSubject, ref: string, why: string): void {
    this.db
      .transaction(() => {
        const open = this.owed(subject, ref);
        if (!open) return;
        const at = isoOf(this.ctx.now());
        this.s.close.run(at, open.id);
        if (subject === 'attempt') {
          const a = this.attemptOf(ref);
          invariant(a, `attempt ${ref} does not exist`);
          invariant(isFinalAttemptState(a.state), `attempt ${ref} is ${a.state}: its owed work cannot be closed`);
          const r = this.reversals.get(a.id);
          if (r && r.result === null) this.reversals.answer(a.id, at, a.state === 'paid' ? 'paid' : a.state);
        }
        this.ctx.audit.append({ at, kind: `${subject}.work_closed`, subject: ref, data: { action: open.action, why: clip(why) } });
      })
      .immediate();
  }

  // ------------------------------------------------ reads

  /** The open outbox row of an attempt or refund, if any. */
  owed(subject: OutboxSubject, ref: string): OutboxRow | null {
    return (this.s.open.get(subject, ref) as OutboxRow | undefined) ?? null;
  }

  /** Every open outbox row (what recovery settles), by due time. Partial index: O(open rows). */
  open(): OutboxRow[] {
    return this.s.allOpen.all() as OutboxRow[];
  }

  due(nowMs: number, limit: number): OutboxRow[] {
    return this.s.due.all(nowMs, limit) as OutboxRow[];
  }
}
