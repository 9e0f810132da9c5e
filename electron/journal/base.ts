// What every journal repository shares: the errors, the limits, the clock and date rules, the
// column lists of the rows that several repositories read, and the read-back checks.
import type Database from 'better-sqlite3';
import { checkAmountFen } from '../../shared/money.js';
import { ATTEMPT_STATES, isFinalAttemptState, PAY_CHANNELS, type PayKind, type RefundState } from '../../shared/payment.js';
import type { AuditLog } from './audit.js';
import type { AttemptRow, RefundRow } from './types.js';

/** Milliseconds a writer waits for a lock held by another connection (a reader, a backup). */
export const BUSY_TIMEOUT_MS = 5_000;
/** Longest free text kept in a reason column; longer gateway messages are cut. */
export const MAX_REASON_CHARS = 500;
/** Most sale lines per sale (the IPC schema allows 200). */
export const MAX_SALE_LINES = 500;
/** Most rows one search returns. */
export const MAX_SEARCH_ROWS = 500;

export const REFUND_STATES: readonly RefundState[] = ['created', 'processing', 'succeeded', 'failed'];
export const PAY_KINDS: readonly PayKind[] = ['scan', 'qr', 'cash'];
export const OPEN_REFUND_STATES: readonly RefundState[] = ['created', 'processing'];

/** A broken invariant: a bug or a damaged file, never a user mistake. The change was rolled back. */
export class JournalInvariantError extends Error {
  override name = 'JournalInvariantError';
}

/** A request the journal refuses because of the current state (e.g. refund more than paid). */
export class JournalConflictError extends Error {
  override name = 'JournalConflictError';
}

export function invariant(cond: unknown, message: string): asserts cond {
  if (!cond) throw new JournalInvariantError(message);
}

/** What a repository needs from the open journal: the connection, the audit log, the clock and the ids. */
export interface JournalContext {
  readonly db: Database.Database;
  readonly audit: AuditLog;
  readonly now: () => number;
  readonly terminalId: string;
  readonly journalId: string;
}

export function isoOf(ms: number): string {
  return new Date(ms).toISOString();
}

/** The local calendar date of a moment, yyyy-MM-dd: the business date of sales and refunds. */
export function localDateOf(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

export function clip(text: string | null | undefined): string | null {
  if (text === null || text === undefined) return null;
  return text.length > MAX_REASON_CHARS ? `${text.slice(0, MAX_REASON_CHARS - 1)}…` : text;
}

/** `{terminal}_{journal}_{P|R|L}{id}` (L: the refund of a payment that landed after close): unique per merchant, ≤ 64 of [A-Za-z0-9_], made once. */
export function orderNumber(ctx: Pick<JournalContext, 'terminalId' | 'journalId'>, letter: 'P' | 'R' | 'L', id: number): string {
  const no = `${ctx.terminalId.replace(/-/g, '_')}_${ctx.journalId}_${letter}${id}`;
  invariant(/^[A-Za-z0-9_]{1,64}$/.test(no), `order number ${no} breaks the wire rule`);
  return no;
}

export const attemptColumns = (t: string) => `${t}.id, ${t}.out_trade_no AS outTradeNo, ${t}.sale_id AS saleId, ${t}.kind, ${t}.channel,
  ${t}.method, ${t}.amount_fen AS amountFen, ${t}.state, ${t}.trade_no AS tradeNo, ${t}.masked_auth_code AS maskedAuthCode,
  ${t}.qr_url AS qrUrl, ${t}.reason, ${t}.reason_code AS reasonCode, ${t}.deadline_at_ms AS deadlineAtMs, ${t}.created_at AS createdAt,
  ${t}.updated_at AS updatedAt, ${t}.final_at AS finalAt, ${t}.business_date AS businessDate, ${t}.shift_id AS shiftId,
  ${t}.terminal_id AS terminalId`;
export const ATTEMPT_COLUMNS = attemptColumns('attempts');

/** Read-back checks: a row that breaks the model is a damaged journal, refused loudly. */
export function checkedAttempt(row: AttemptRow | undefined): AttemptRow | null {
  if (!row) return null;
  invariant(ATTEMPT_STATES.includes(row.state), `attempt ${row.outTradeNo}: unknown state ${row.state}`);
  invariant(PAY_KINDS.includes(row.kind), `attempt ${row.outTradeNo}: unknown kind ${row.kind}`);
  invariant(PAY_CHANNELS.includes(row.channel), `attempt ${row.outTradeNo}: unknown channel ${row.channel}`);
  invariant(checkAmountFen(row.amountFen) === null, `attempt ${row.outTradeNo}: amount ${row.amountFen} is not a valid amount of fen`);
  invariant(isFinalAttemptState(row.state) === (row.finalAt !== null), `attempt ${row.outTradeNo}: final_at does not match state ${row.state}`);
  return row;
}

export function checkedRefund(row: RefundRow | undefined): RefundRow | null {
  if (!row) return null;
  invariant(REFUND_STATES.includes(row.state), `refund ${row.outRefundNo}: unknown state ${row.state}`);
  invariant(checkAmountFen(row.amountFen) === null, `refund ${row.outRefundNo}: amount ${row.amountFen} is not a valid amount of fen`);
  return row;
}
