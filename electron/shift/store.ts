// SQL of the shift room over the journal database: cashiers, shifts, cash moves,
// reconciliations (migration 050), the blind counts of a close (migration 052), and the per-channel aggregates a report needs, read from the
// journal's attempts and refunds through their covering indexes.
//
// Scopes: a shift is its attempts/refunds with that shift_id. A day is every shift opened on that
// business date plus the attempts/refunds of that date that belong to no shift (the checkout may
// take a sale with no shift open; its money still belongs to the day).
// Totals follow Journal.channelTotals exactly (a test keeps them equal):
//   sales     = attempts that took the money: paid, or reversed after paying (refunded)
//   reversals = attempts reversed after paying (trade.reverse of a paid order)
//   refunds   = succeeded refunds made in the scope
//   net       = sales − refunds − reversals
import type Database from 'better-sqlite3';
import { isFen, type Fen } from '../../shared/money.js';
import { PAY_CHANNELS, type AttemptState, type PayChannel, type PayKind } from '../../shared/payment.js';
import type { ChannelTotals, OrderRow } from '../../shared/ipc/contract.js';

export type Scope = { kind: 'shift'; shiftId: number } | { kind: 'day'; date: string };
export type CashierRole = 'cashier' | 'manager';

export interface CashierRow {
  id: string;
  name: string;
  role: CashierRole;
  active: boolean;
  failedTries: number;
  lockedUntilMs: number | null;
  createdAt: string;
  updatedAt: string;
}

export interface ShiftRow {
  id: number;
  terminalId: string;
  cashierId: string;
  businessDate: string;
  openedAt: string;
  floatFen: Fen;
  closedAt: string | null;
  closedBy: string | null;
  expectedFen: Fen | null;
  countedFen: Fen | null;
  varianceFen: Fen | null;
  denominations: string | null;
  varianceReason: string | null;
  managerApproved: boolean;
  report: string | null;
  /** Distinct blind counts of the close so far (migration 052; 0 on shifts closed before it). */
  counts: number;
  /** The first count and what the drawer should have held then: fixed once set. */
  firstCountedFen: Fen | null;
  firstExpectedFen: Fen | null;
  /** The latest count (the only one a close accepts), its expected amount and denominations (JSON). */
  lastCountedFen: Fen | null;
  lastExpectedFen: Fen | null;
  lastDenominations: string | null;
}

export interface CashMoveRow {
  id: number;
  shiftId: number;
  direction: 'in' | 'out';
  amountFen: Fen;
  reason: string;
  cashierId: string;
  at: string;
}

/** A gateway order as the journal has it, for reconciliation. */
export interface JournalOrder {
  attemptId: number;
  shiftId: number | null;
  outTradeNo: string;
  channel: PayChannel;
  kind: PayKind;
  method: string;
  amountFen: Fen;
  state: AttemptState;
  tradeNo: string | null;
  /** Refunds of this order that succeeded (in any shift). */
  refundedFen: Fen;
  /** Refunds of this order still created/processing. */
  refundPendingFen: Fen;
}

export interface ReconciliationRow {
  id: number;
  scope: 'shift' | 'day';
  shiftId: number | null;
  businessDate: string | null;
  at: string;
  maxAttemptId: number;
  checked: number;
  /** Gateway orders not asked because the gateway had confirmed them (migration 053). */
  confirmed: number;
  matches: boolean;
  diffs: string;
}

const SHIFT_COLUMNS = `id, terminal_id AS terminalId, cashier_id AS cashierId, business_date AS businessDate, opened_at AS openedAt,
  float_fen AS floatFen, closed_at AS closedAt, closed_by AS closedBy, expected_fen AS expectedFen, counted_fen AS countedFen,
  variance_fen AS varianceFen, denominations, variance_reason AS varianceReason, manager_approved AS managerApproved, report,
  counts, first_counted_fen AS firstCountedFen, first_expected_fen AS firstExpectedFen, last_counted_fen AS lastCountedFen,
  last_expected_fen AS lastExpectedFen, last_denominations AS lastDenominations`;
const CASHIER_COLUMNS = `id, name, role, active, failed_tries AS failedTries, locked_until_ms AS lockedUntilMs, created_at AS createdAt, updated_at AS updatedAt`;
const RECON_COLUMNS = `id, scope, shift_id AS shiftId, business_date AS businessDate, at, max_attempt_id AS maxAttemptId, checked, confirmed, matches, diffs`;

/** unconfirmed: skip orders the gateway confirmed (the default); all: ask every gateway order again (日结 'all'). */
export type ReconcileAsk = 'unconfirmed' | 'all';

/** Orders read and queried per page of a reconciliation: memory stays bounded for a day of any size. */
export const RECONCILE_PAGE_ORDERS = 5_000;
/** Most open orders listed in a report (a shift cannot close with any; the list is for the screen). */
export const MAX_OPEN_ORDERS_LISTED = 500;

type Bool<T> = Omit<T, 'active' | 'managerApproved' | 'matches'> & { active?: number; managerApproved?: number; matches?: number };

export function emptyTotals(channel: PayChannel): ChannelTotals {
  return { channel, salesCount: 0, salesFen: 0, refundsCount: 0, refundsFen: 0, reversalsCount: 0, reversalsFen: 0, netFen: 0 };
}

export class ShiftStore {
  private readonly s;

  constructor(readonly db: Database.Database) {
    this.s = {
      cashier: db.prepare(`SELECT ${CASHIER_COLUMNS}, pin_hash AS pinHash FROM cashiers WHERE id = ?`),
      cashiers: db.prepare(`SELECT ${CASHIER_COLUMNS} FROM cashiers ORDER BY id`),
      cashierCount: db.prepare('SELECT COUNT(*) AS n FROM cashiers'),
      insertCashier: db.prepare(`INSERT INTO cashiers (id, name, role, pin_hash, active, failed_tries, locked_until_ms, created_at, updated_at)
        VALUES (?, ?, ?, ?, 1, 0, NULL, ?, ?)`),
      setPin: db.prepare('UPDATE cashiers SET pin_hash = ?, failed_tries = 0, locked_until_ms = NULL, updated_at = ? WHERE id = ?'),
      setActive: db.prepare('UPDATE cashiers SET active = ?, updated_at = ? WHERE id = ?'),
      setTries: db.prepare('UPDATE cashiers SET failed_tries = ?, locked_until_ms = ?, updated_at = ? WHERE id = ?'),
      openShift: db.prepare(`SELECT ${SHIFT_COLUMNS} FROM shifts WHERE terminal_id = ? AND closed_at IS NULL`),
      shift: db.prepare(`SELECT ${SHIFT_COLUMNS} FROM shifts WHERE id = ?`),
      shiftsOfDate: db.prepare(`SELECT ${SHIFT_COLUMNS} FROM shifts WHERE business_date = ? ORDER BY id`),
      insertShift: db.prepare(`INSERT INTO shifts (terminal_id, cashier_id, business_date, opened_at, float_fen) VALUES (?, ?, ?, ?, ?) RETURNING id`),
      closeShift: db.prepare(`UPDATE shifts SET closed_at = @closedAt, closed_by = @closedBy, expected_fen = @expectedFen, counted_fen = @countedFen,
        variance_fen = @varianceFen, denominations = @denominations, variance_reason = @varianceReason, manager_approved = @managerApproved,
        report = @report WHERE id = @id AND closed_at IS NULL`),
      // The first count is set once (COALESCE); the latest replaces the one before.
      recordCount: db.prepare(`UPDATE shifts SET counts = counts + 1,
        first_counted_fen = COALESCE(first_counted_fen, @countedFen), first_expected_fen = COALESCE(first_expected_fen, @expectedFen),
        last_counted_fen = @countedFen, last_expected_fen = @expectedFen, last_denominations = @denominations
        WHERE id = @id AND closed_at IS NULL`),
      insertMove: db.prepare('INSERT INTO cash_moves (shift_id, direction, amount_fen, reason, cashier_id, at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id'),
      moves: db.prepare('SELECT id, shift_id AS shiftId, direction, amount_fen AS amountFen, reason, cashier_id AS cashierId, at FROM cash_moves WHERE shift_id = ? ORDER BY id'),
      moveSums: db.prepare(`SELECT direction, COUNT(*) AS n, SUM(amount_fen) AS fen FROM cash_moves WHERE shift_id = ? GROUP BY direction`),
      maxAttemptId: db.prepare('SELECT COALESCE(MAX(id), 0) AS id FROM attempts'),
      insertRecon: db.prepare(`INSERT INTO reconciliations (scope, shift_id, business_date, at, max_attempt_id, checked, confirmed, matches, diffs)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
      latestShiftRecon: db.prepare(`SELECT ${RECON_COLUMNS} FROM reconciliations WHERE shift_id = ? ORDER BY id DESC LIMIT 1`),
    };
  }

  // ---------------------------------------------------------------- cashiers
  cashier(id: string): (CashierRow & { pinHash: string }) | null {
    const r = this.s.cashier.get(id) as (Bool<CashierRow> & { pinHash: string }) | undefined;
    return r ? { ...r, active: r.active === 1 } as CashierRow & { pinHash: string } : null;
  }

  cashiers(): CashierRow[] {
    return (this.s.cashiers.all() as Bool<CashierRow>[]).map((r) => ({ ...r, active: r.active === 1 }) as CashierRow);
  }

  cashierCount(): number {
    return (this.s.cashierCount.get() as { n: number }).n;
  }

  insertCashier(c: { id: string; name: string; role: CashierRole; pinHash: string; at: string }): void {
    this.s.insertCashier.run(c.id, c.name, c.role, c.pinHash, c.at, c.at);
  }

  setPinHash(id: string, pinHash: string, at: string): void {
    this.s.setPin.run(pinHash, at, id);
  }

  setActive(id: string, active: boolean, at: string): void {
    this.s.setActive.run(active ? 1 : 0, at, id);
  }

  setTries(id: string, failedTries: number, lockedUntilMs: number | null, at: string): void {
    this.s.setTries.run(failedTries, lockedUntilMs, at, id);
  }

  // ---------------------------------------------------------------- shifts
  private shiftRow(r: Bool<ShiftRow> | undefined): ShiftRow | null {
    return r ? ({ ...r, managerApproved: r.managerApproved === 1 } as ShiftRow) : null;
  }

  openShift(terminalId: string): ShiftRow | null {
    return this.shiftRow(this.s.openShift.get(terminalId) as Bool<ShiftRow> | undefined);
  }

  shift(id: number): ShiftRow | null {
    return this.shiftRow(this.s.shift.get(id) as Bool<ShiftRow> | undefined);
  }

  shiftsOfDate(date: string): ShiftRow[] {
    return (this.s.shiftsOfDate.all(date) as Bool<ShiftRow>[]).map((r) => this.shiftRow(r)!);
  }

  insertShift(s: { terminalId: string; cashierId: string; businessDate: string; openedAt: string; floatFen: Fen }): number {
    return (this.s.insertShift.get(s.terminalId, s.cashierId, s.businessDate, s.openedAt, s.floatFen) as { id: number }).id;
  }

  closeShift(c: {
    id: number;
    closedAt: string;
    closedBy: string;
    expectedFen: Fen;
    countedFen: Fen;
    varianceFen: Fen;
    denominations: string | null;
    varianceReason: string | null;
    managerApproved: boolean;
    report: string;
  }): boolean {
    return this.s.closeShift.run({ ...c, managerApproved: c.managerApproved ? 1 : 0 }).changes === 1;
  }

  /** One more blind count of an open shift (the first one is kept). False when the shift is not open. */
  recordCount(c: { id: number; countedFen: Fen; expectedFen: Fen; denominations: string | null }): boolean {
    return this.s.recordCount.run(c).changes === 1;
  }

  insertCashMove(m: { shiftId: number; direction: 'in' | 'out'; amountFen: Fen; reason: string; cashierId: string; at: string }): number {
    return (this.s.insertMove.get(m.shiftId, m.direction, m.amountFen, m.reason, m.cashierId, m.at) as { id: number }).id;
  }

  cashMoves(shiftId: number): CashMoveRow[] {
    return this.s.moves.all(shiftId) as CashMoveRow[];
  }

  cashMoveSums(shiftIds: readonly number[]): { inFen: Fen; outFen: Fen; inCount: number; outCount: number } {
    const out = { inFen: 0, outFen: 0, inCount: 0, outCount: 0 };
    for (const id of shiftIds) {
      for (const r of this.s.moveSums.all(id) as { direction: 'in' | 'out'; n: number; fen: number }[]) {
        if (r.direction === 'in') {
          out.inFen += r.fen;
          out.inCount += r.n;
        } else {
          out.outFen += r.fen;
          out.outCount += r.n;
        }
      }
    }
    return out;
  }

  maxAttemptId(): number {
    return (this.s.maxAttemptId.get() as { id: number }).id;
  }

  // ---------------------------------------------------------------- scope SQL
  /** WHERE parts selecting a scope's rows of attempts or refunds (both carry shift_id and business_date). */
  private scopeParts(scope: Scope, alias: string): Array<{ sql: string; args: (string | number)[] }> {
    if (scope.kind === 'shift') return [{ sql: `${alias}.shift_id = ?`, args: [scope.shiftId] }];
    // Two parts (summed by the caller) so each uses an index: shift_id IN (…) and the no-shift rows of the date.
    return [
      { sql: `${alias}.shift_id IN (SELECT id FROM shifts WHERE business_date = ?)`, args: [scope.date] },
      { sql: `${alias}.shift_id IS NULL AND ${alias}.business_date = ?`, args: [scope.date] },
    ];
  }

  /** Per-channel totals of a scope, every channel present (zeros where nothing happened), in PAY_CHANNELS order. */
  channelTotals(scope: Scope): ChannelTotals[] {
    const by = new Map<PayChannel, ChannelTotals>(PAY_CHANNELS.map((c) => [c, emptyTotals(c)]));
    for (const part of this.scopeParts(scope, 'a')) {
      const rows = this.db
        .prepare(`SELECT a.channel, a.state, COUNT(*) AS n, SUM(a.amount_fen) AS fen FROM attempts a WHERE ${part.sql} AND a.state IN ('paid','refunded') GROUP BY a.channel, a.state`)
        .all(...part.args) as { channel: PayChannel; state: 'paid' | 'refunded'; n: number; fen: number }[];
      for (const r of rows) {
        const t = by.get(r.channel)!;
        t.salesCount += r.n;
        t.salesFen += r.fen;
        if (r.state === 'refunded') {
          t.reversalsCount += r.n;
          t.reversalsFen += r.fen;
        }
      }
    }
    for (const part of this.scopeParts(scope, 'r')) {
      const rows = this.db
        .prepare(`SELECT r.channel, COUNT(*) AS n, SUM(r.amount_fen) AS fen FROM refunds r WHERE ${part.sql} AND r.state = 'succeeded' GROUP BY r.channel`)
        .all(...part.args) as { channel: PayChannel; n: number; fen: number }[];
      for (const r of rows) {
        const t = by.get(r.channel)!;
        t.refundsCount += r.n;
        t.refundsFen += r.fen;
      }
    }
    const out = PAY_CHANNELS.map((c) => by.get(c)!);
    for (const t of out) {
      t.netFen = t.salesFen - t.refundsFen - t.reversalsFen;
      if (!isFen(t.netFen) || !isFen(t.salesFen)) throw new Error(`totals of ${t.channel}: not a whole number of fen`);
    }
    return out;
  }

  /**
   * Orders of the scope that are not final, paid orders with a refund still open, and payments that
   * landed after the till closed them (paid_after_close: their full refund is owed) — the money of
   * none of them is settled. At most MAX_OPEN_ORDERS_LISTED, oldest first.
   */
  openOrders(scope: Scope): OrderRow[] {
    const out = new Map<string, OrderRow>();
    const cols = `a.out_trade_no AS outTradeNo, a.sale_id AS saleId, a.kind, a.channel, a.method, a.amount_fen AS amountFen,
      COALESCE((SELECT SUM(x.amount_fen) FROM refunds x WHERE x.attempt_id = a.id AND x.state = 'succeeded'), 0) AS refundedFen,
      a.state, a.trade_no AS tradeNo, a.created_at AS createdAt, a.id AS attemptId`;
    const rows: (OrderRow & { attemptId: number })[] = [];
    for (const part of this.scopeParts(scope, 'a')) {
      rows.push(
        ...(this.db
          .prepare(`SELECT ${cols} FROM attempts a INDEXED BY attempts_open WHERE a.state IN ('created','pending','reversing') AND ${part.sql} LIMIT ?`)
          .all(...part.args, MAX_OPEN_ORDERS_LISTED) as (OrderRow & { attemptId: number })[]),
        ...(this.db
          .prepare(`SELECT ${cols} FROM attempts a INDEXED BY attempts_paid_after_close WHERE a.state = 'paid_after_close' AND ${part.sql} LIMIT ?`)
          .all(...part.args, MAX_OPEN_ORDERS_LISTED) as (OrderRow & { attemptId: number })[]),
      );
    }
    for (const part of this.scopeParts(scope, 'r')) {
      rows.push(
        ...(this.db
          .prepare(`SELECT ${cols} FROM refunds r JOIN attempts a ON a.id = r.attempt_id WHERE r.state IN ('created','processing') AND ${part.sql} LIMIT ?`)
          .all(...part.args, MAX_OPEN_ORDERS_LISTED) as (OrderRow & { attemptId: number })[]),
      );
    }
    rows.sort((x, y) => x.attemptId - y.attemptId);
    for (const { attemptId: _id, ...r } of rows) if (!out.has(r.outTradeNo) && out.size < MAX_OPEN_ORDERS_LISTED) out.set(r.outTradeNo, r);
    return [...out.values()];
  }

  /** The scope's parts, without the shifts whose orders are not wanted (a day's reused reconciliations). */
  private reconcileParts(scope: Scope, skipShiftIds: readonly number[]): Array<{ sql: string; args: (string | number)[] }> {
    const parts = this.scopeParts(scope, 'a');
    if (scope.kind !== 'day' || skipShiftIds.length === 0) return parts;
    const ids = skipShiftIds.filter((id) => Number.isSafeInteger(id));
    return [{ sql: `a.shift_id IN (SELECT id FROM shifts WHERE business_date = ? AND id NOT IN (${ids.map(() => '?').join(', ')}))`, args: [scope.date, ...ids] }, parts[1]!];
  }

  /**
   * One page of the scope's gateway (non-cash) orders that still need asking — not confirmed by
   * the gateway since their last change (migration 007) — with afterAttemptId < id ≤ uptoAttemptId,
   * in id order, at most `limit`, with their refund sums. Paged by the caller, so a day of any
   * size is reconciled in bounded memory (RECONCILE_PAGE_ORDERS).
   */
  ordersToReconcile(scope: Scope, afterAttemptId: number, uptoAttemptId: number, limit: number, skipShiftIds: readonly number[] = [], ask: ReconcileAsk = 'unconfirmed'): JournalOrder[] {
    const out: JournalOrder[] = [];
    for (const part of this.reconcileParts(scope, skipShiftIds)) {
      const rows = this.db
        .prepare(
          `SELECT a.id AS attemptId, a.shift_id AS shiftId, a.out_trade_no AS outTradeNo, a.channel, a.kind, a.method, a.amount_fen AS amountFen, a.state,
             a.trade_no AS tradeNo,
             COALESCE((SELECT SUM(x.amount_fen) FROM refunds x WHERE x.attempt_id = a.id AND x.state = 'succeeded'), 0) AS refundedFen,
             COALESCE((SELECT SUM(x.amount_fen) FROM refunds x WHERE x.attempt_id = a.id AND x.state IN ('created','processing')), 0) AS refundPendingFen
           FROM attempts a WHERE ${part.sql}${ask === 'all' ? '' : ' AND a.confirmed_by IS NULL'} AND a.channel <> 'cash' AND a.id > ? AND a.id <= ? ORDER BY a.id LIMIT ?`,
        )
        .all(...part.args, afterAttemptId, uptoAttemptId, limit) as JournalOrder[];
      out.push(...rows);
    }
    // Two parts of a day each gave up to `limit`: keep the first `limit` in id order.
    return out.sort((x, y) => x.attemptId - y.attemptId).slice(0, limit);
  }

  /** How many of the scope's gateway orders in (afterAttemptId, uptoAttemptId] need asking, and how many the gateway already confirmed. */
  reconcileCounts(scope: Scope, afterAttemptId: number, uptoAttemptId: number, skipShiftIds: readonly number[] = [], ask: ReconcileAsk = 'unconfirmed'): { toAsk: number; confirmed: number } {
    let toAsk = 0;
    let confirmed = 0;
    for (const part of this.reconcileParts(scope, skipShiftIds)) {
      const r = this.db
        .prepare(
          `SELECT COALESCE(SUM(a.confirmed_by IS NULL), 0) AS toAsk, COALESCE(SUM(a.confirmed_by IS NOT NULL), 0) AS confirmed
           FROM attempts a WHERE ${part.sql} AND a.channel <> 'cash' AND a.id > ? AND a.id <= ?`,
        )
        .get(...part.args, afterAttemptId, uptoAttemptId) as { toAsk: number; confirmed: number };
      toAsk += ask === 'all' ? r.toAsk + r.confirmed : r.toAsk;
      confirmed += ask === 'all' ? 0 : r.confirmed;
    }
    return { toAsk, confirmed };
  }

  // ---------------------------------------------------------------- reconciliations
  insertReconciliation(r: { scope: 'shift' | 'day'; shiftId: number | null; businessDate: string | null; at: string; maxAttemptId: number; checked: number; confirmed?: number; matches: boolean; diffs: string }): number {
    return (this.s.insertRecon.get(r.scope, r.shiftId, r.businessDate, r.at, r.maxAttemptId, r.checked, r.confirmed ?? 0, r.matches ? 1 : 0, r.diffs) as { id: number }).id;
  }

  latestShiftReconciliation(shiftId: number): ReconciliationRow | null {
    const r = this.s.latestShiftRecon.get(shiftId) as Bool<ReconciliationRow> | undefined;
    return r ? ({ ...r, matches: r.matches === 1 } as ReconciliationRow) : null;
  }
}
