// Reads across attempts and refunds for the history screen and the reports: the order search
// and the per-channel totals of a shift, a day or a range of days.
import type Database from 'better-sqlite3';
import type { ChannelTotals } from '../../../shared/ipc/contract.js';
import { isFen, type Fen } from '../../../shared/money.js';
import { PAY_CHANNELS, type AttemptState, type PayChannel } from '../../../shared/payment.js';
import { attemptColumns, checkedAttempt, invariant, MAX_SEARCH_ROWS } from '../base.js';
import type { AttemptRow } from '../types.js';

export interface SearchQuery {
  from?: string;
  to?: string;
  state?: AttemptState;
  channel?: PayChannel;
  outTradeNo?: string;
  limit?: number;
  offset?: number;
}

export interface OrderRowData extends AttemptRow {
  refundedFen: Fen;
}

/** Per-channel totals as the reports show them (the contract's shape, computed here by SQL). */
export type ChannelTotalsRow = ChannelTotals;

export type TotalsFilter = { shiftId: number } | { businessDate: string } | { fromDate: string; toDate: string };

/** The WHERE condition (on business_date / shift_id columns) and its arguments for a totals filter. */
export function totalsCondition(filter: TotalsFilter, table = ''): [string, (string | number)[]] {
  const t = table ? `${table}.` : '';
  return 'shiftId' in filter
    ? [`${t}shift_id = ?`, [filter.shiftId]]
    : 'businessDate' in filter
      ? [`${t}business_date = ?`, [filter.businessDate]]
      : [`${t}business_date BETWEEN ? AND ?`, [filter.fromDate, filter.toDate]];
}

export class ReportsRepo {
  constructor(private readonly db: Database.Database) {}

  search(q: SearchQuery): { rows: OrderRowData[]; total: number } {
    const where: string[] = [];
    const args: (string | number)[] = [];
    const add = (sql: string, value: string) => {
      where.push(sql);
      args.push(value);
    };
    if (q.from) add('a.business_date >= ?', q.from);
    if (q.to) add('a.business_date <= ?', q.to);
    if (q.state) add('a.state = ?', q.state);
    if (q.channel) add('a.channel = ?', q.channel);
    if (q.outTradeNo) add(`a.out_trade_no LIKE ? ESCAPE '\\'`, `%${q.outTradeNo.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    const w = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const limit = Math.min(Math.max(1, q.limit ?? 50), MAX_SEARCH_ROWS);
    const offset = Math.max(0, q.offset ?? 0);
    const total = (this.db.prepare(`SELECT COUNT(*) AS n FROM attempts a ${w}`).get(...args) as { n: number }).n;
    const rows = this.db
      .prepare(
        `SELECT ${attemptColumns('a')},
           COALESCE((SELECT SUM(r.amount_fen) FROM refunds r WHERE r.attempt_id = a.id AND r.state = 'succeeded'), 0) AS refundedFen
         FROM attempts a ${w} ORDER BY a.id DESC LIMIT ? OFFSET ?`,
      )
      .all(...args, limit, offset) as OrderRowData[];
    return { rows: rows.map((r) => ({ ...checkedAttempt(r)!, refundedFen: r.refundedFen })), total };
  }

  /**
   * Per-channel totals of a shift, a business day or a range of days, from covering indexes.
   * sales: attempts that took the customer's money (paid, or reversed after paying);
   * reversals: those given back by trade.reverse; refunds: succeeded refunds dated in the period.
   */
  channelTotals(filter: TotalsFilter): ChannelTotalsRow[] {
    const [cond, args] = totalsCondition(filter);
    const attempts = this.db
      .prepare(`SELECT channel, state, COUNT(*) AS n, SUM(amount_fen) AS fen FROM attempts WHERE ${cond} AND state IN ('paid','refunded') GROUP BY channel, state`)
      .all(...args) as { channel: PayChannel; state: 'paid' | 'refunded'; n: number; fen: number }[];
    const refunds = this.db
      .prepare(`SELECT channel, COUNT(*) AS n, SUM(amount_fen) AS fen FROM refunds WHERE ${cond} AND state = 'succeeded' GROUP BY channel`)
      .all(...args) as { channel: PayChannel; n: number; fen: number }[];
    const by = new Map<PayChannel, ChannelTotalsRow>();
    const row = (channel: PayChannel): ChannelTotalsRow => {
      let r = by.get(channel);
      if (!r) {
        r = { channel, salesCount: 0, salesFen: 0, refundsCount: 0, refundsFen: 0, reversalsCount: 0, reversalsFen: 0, netFen: 0 };
        by.set(channel, r);
      }
      return r;
    };
    for (const a of attempts) {
      const r = row(a.channel);
      r.salesCount += a.n;
      r.salesFen += a.fen;
      if (a.state === 'refunded') {
        r.reversalsCount += a.n;
        r.reversalsFen += a.fen;
      }
    }
    for (const f of refunds) {
      const r = row(f.channel);
      r.refundsCount += f.n;
      r.refundsFen += f.fen;
    }
    const out = PAY_CHANNELS.filter((c) => by.has(c)).map((c) => by.get(c)!);
    for (const r of out) {
      r.netFen = r.salesFen - r.refundsFen - r.reversalsFen;
      invariant(isFen(r.netFen), `totals of ${r.channel}: not a whole number of fen`);
    }
    return out;
  }
}
