// The full consistency check of the journal (tests, the fault simulation, a support tool): one
// line per problem found, empty when everything holds. Read-only SQL over every table.
import type Database from 'better-sqlite3';
import { canTransition, type AttemptState } from '../../../shared/payment.js';
import type { AuditLog } from '../audit.js';

export function checkJournalInvariants(db: Database.Database, audit: AuditLog): string[] {
  const problems: string[] = [];
  const q = (sql: string) => db.prepare(sql).all() as Record<string, unknown>[];
  for (const r of q(`SELECT a.out_trade_no AS no, a.state FROM attempts a WHERE a.state IN ('created','pending','reversing','paid_after_close')
      AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.subject = 'attempt' AND o.ref = a.out_trade_no AND o.closed_at IS NULL)`)) {
    problems.push(`attempt ${String(r.no)} is ${String(r.state)} but nothing is owed for it`);
  }
  for (const r of q(`SELECT o.ref, a.state FROM outbox o JOIN attempts a ON a.out_trade_no = o.ref WHERE o.subject = 'attempt'
      AND o.closed_at IS NULL AND a.state IN ('declined','closed','refunded')`)) {
    problems.push(`attempt ${String(r.ref)} is final (${String(r.state)}) but still has owed work`);
  }
  for (const r of q(`SELECT a.out_trade_no AS no, a.amount_fen AS amt, SUM(r.amount_fen) AS ref FROM attempts a JOIN refunds r ON r.attempt_id = a.id
      WHERE r.state <> 'failed' GROUP BY a.id HAVING SUM(r.amount_fen) > a.amount_fen`)) {
    problems.push(`attempt ${String(r.no)}: refunds ${String(r.ref)} fen exceed its amount ${String(r.amt)} fen`);
  }
  for (const r of q(`SELECT a.out_trade_no AS no, a.state, (SELECT t.to_state FROM attempt_transitions t WHERE t.attempt_id = a.id ORDER BY t.id DESC LIMIT 1) AS last
      FROM attempts a WHERE a.state IS NOT (SELECT t.to_state FROM attempt_transitions t WHERE t.attempt_id = a.id ORDER BY t.id DESC LIMIT 1)`)) {
    problems.push(`attempt ${String(r.no)} is ${String(r.state)} but its last logged transition is to ${String(r.last)}`);
  }
  for (const r of q(`SELECT t.id, t.from_state AS f, t.to_state AS t2, a.out_trade_no AS no FROM attempt_transitions t JOIN attempts a ON a.id = t.attempt_id
      WHERE t.from_state IS NOT (SELECT p.to_state FROM attempt_transitions p WHERE p.attempt_id = t.attempt_id AND p.id < t.id ORDER BY p.id DESC LIMIT 1)`)) {
    problems.push(`attempt ${String(r.no)}: transition ${String(r.id)} starts from ${String(r.f)}, not from the state before it`);
  }
  for (const r of q(`SELECT t.id, t.from_state AS f, t.to_state AS t2, a.out_trade_no AS no FROM attempt_transitions t JOIN attempts a ON a.id = t.attempt_id WHERE t.from_state IS NOT NULL`)) {
    if (!canTransition(r.f as AttemptState, r.t2 as AttemptState)) problems.push(`attempt ${String(r.no)}: transition ${String(r.id)} ${String(r.f)} → ${String(r.t2)} is not allowed`);
  }
  // A typed line counts qty × unit; a goods line what it was charged (issue 11).
  for (const r of q(`SELECT s.id, s.amount_fen AS amt, SUM(COALESCE(l.amount_fen, l.qty * l.unit_fen)) AS lines FROM sales s JOIN sale_lines l ON l.sale_id = s.id
      GROUP BY s.id HAVING SUM(COALESCE(l.amount_fen, l.qty * l.unit_fen)) <> s.amount_fen`)) {
    problems.push(`sale ${String(r.id)}: lines add up to ${String(r.lines)} fen, amount is ${String(r.amt)} fen`);
  }
  for (const r of q(`SELECT s.id, s.amount_fen AS amt, SUM(l.qty * l.unit_fen - l.discount_fen) - s.order_discount_fen - s.rounding_fen AS net FROM sales s
      JOIN sale_lines l ON l.sale_id = s.id GROUP BY s.id HAVING COUNT(l.amount_fen) > 0 AND SUM(l.qty * l.unit_fen - l.discount_fen) - s.order_discount_fen - s.rounding_fen <> s.amount_fen`)) {
    problems.push(`sale ${String(r.id)}: lines less discounts and 抹零 come to ${String(r.net)} fen, amount is ${String(r.amt)} fen`);
  }
  for (const r of q(`SELECT a.out_trade_no AS no, rl.line_no AS line FROM refund_lines rl JOIN refunds r ON r.id = rl.refund_id JOIN attempts a ON a.id = r.attempt_id
      JOIN sale_lines l ON l.sale_id = a.sale_id AND l.line_no = rl.line_no WHERE r.state <> 'failed'
      GROUP BY a.sale_id, rl.line_no HAVING SUM(rl.qty) > MAX(l.qty)`)) {
    problems.push(`order ${String(r.no)}: line ${String(r.line)} is refunded more times than it was sold`);
  }
  for (const r of q(`SELECT s.id, COUNT(*) AS n FROM sales s JOIN attempts a ON a.sale_id = s.id WHERE a.state IN ('paid','created','pending','reversing') GROUP BY s.id HAVING COUNT(*) > 1`)) {
    problems.push(`sale ${String(r.id)} has ${String(r.n)} attempts that are paid or still open`);
  }
  for (const r of q(`SELECT s.id FROM sales s JOIN attempts a ON a.sale_id = s.id WHERE a.amount_fen <> s.amount_fen`)) {
    problems.push(`sale ${String(r.id)}: an attempt's amount differs from the sale's`);
  }
  for (const r of q(`SELECT a.out_trade_no AS no FROM attempts a JOIN cash_tenders c ON c.attempt_id = a.id WHERE c.tendered_fen - c.change_fen <> a.amount_fen`)) {
    problems.push(`cash sale ${String(r.no)}: tendered − change ≠ amount`);
  }
  const check = audit.verify();
  if (!check.ok) problems.push(`audit log broken at entry ${check.firstBrokenSeq}: ${check.reason}`);
  return problems;
}
