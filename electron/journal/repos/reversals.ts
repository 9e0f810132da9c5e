// Reversals: the record of each trade.reverse owed for an attempt (why, how many tries, the
// answer). Written inside the transactions of the attempt and outbox repositories.
import type Database from 'better-sqlite3';
import type { ReversalRow, ReversalWhy } from '../types.js';

export class ReversalsRepo {
  private readonly s;

  constructor(db: Database.Database) {
    this.s = {
      insert: db.prepare('INSERT INTO reversals (attempt_id, requested_at, why) VALUES (?, ?, ?)'),
      get: db.prepare(`SELECT attempt_id AS attemptId, requested_at AS requestedAt, why, tries, answered_at AS answeredAt, result
        FROM reversals WHERE attempt_id = ?`),
      tryFailed: db.prepare('UPDATE reversals SET tries = tries + 1 WHERE attempt_id = ?'),
      answer: db.prepare('UPDATE reversals SET answered_at = ?, result = ? WHERE attempt_id = ?'),
      answerOpen: db.prepare('UPDATE reversals SET answered_at = ?, result = ? WHERE attempt_id = ? AND result IS NULL'),
    };
  }

  get(attemptId: number): ReversalRow | null {
    return (this.s.get.get(attemptId) as ReversalRow | undefined) ?? null;
  }

  /** Inside a write transaction. */
  request(attemptId: number, at: string, why: ReversalWhy): void {
    this.s.insert.run(attemptId, at, why);
  }

  /** Inside a write transaction. */
  countFailedTry(attemptId: number): void {
    this.s.tryFailed.run(attemptId);
  }

  /** Inside a write transaction: records the answer (overwrites). */
  answer(attemptId: number, at: string, result: string): void {
    this.s.answer.run(at, result, attemptId);
  }

  /** Inside a write transaction: records the answer of a reversal still waiting for one. */
  answerOpen(attemptId: number, at: string, result: string): void {
    this.s.answerOpen.run(at, result, attemptId);
  }
}
