// The sandbox's merchant ledger (SQLite, a file or :memory:): orders, refunds (a reverse of a paid
// order is recorded as a full refund), withdrawals, balance adjustments and callback deliveries.
// It is the truth a reconciliation is checked against, so tests read it through the typed
// functions below and may inject mismatches (mark an order paid, change an amount, add an order
// or a refund the till never saw).
//
// Balances are derived from rows, never kept as counters:
//   net of an order      = amount − fee − Σ(refund − fee given back)   (orders that were paid)
//   unliquidated (待清算) = Σ net of paid orders not yet settled
//   settled              = Σ net of settled orders + Σ adjustments
//   freeze (冻结)         = Σ (amount + fee) of withdrawals still processing
//   balance (可提现)      = settled − Σ (amount + fee) of paid withdrawals − freeze
import Database from 'better-sqlite3';
import { sqliteOptions } from '../app/native.js';
import type { Fen } from '../../shared/money.js';
import type { SandboxClock } from './clock.js';

export type SandboxOrderState = 'pending' | 'paid' | 'declined' | 'closed' | 'refunded';
export type OrderKind = 'scan' | 'qr' | 'link' | 'jsapi';
export type ClosedBy = 'reverse' | 'cancel' | 'expire' | 'scenario' | 'injected';
/** What the simulated customer does (wire.md scenario table; see scenarios.ts). */
export type Scenario = 'instant' | 'confirm' | 'cancel' | 'decline' | 'slow' | 'system_error' | 'late' | 'wallet';
export type WithdrawVia = 'merchant' | 'unionpay';
export type WithdrawalState = 'processing' | 'paid' | 'failed';

export interface LedgerRefund {
  merchantNo: string;
  outRefundNo: string;
  outTradeNo: string;
  amountFen: Fen;
  feeBackFen: Fen;
  /** refund: trade.refund; reverse: trade.reverse of a paid order; injected: a test's mismatch. */
  kind: 'refund' | 'reverse' | 'injected';
  reason: string | null;
  createdAt: string;
}

export interface LedgerOrder {
  merchantNo: string;
  outTradeNo: string;
  tradeNo: string;
  method: string;
  channel: string;
  kind: OrderKind;
  amountFen: Fen;
  feeFen: Fen;
  state: SandboxOrderState;
  closedBy: ClosedBy | null;
  scenario: Scenario;
  signType: 'MD5' | 'RSA';
  notifyUrl: string | null;
  orderName: string | null;
  body: string | null;
  token: string | null;
  maskedAuthCode: string | null;
  createdAt: string;
  paidAt: string | null;
  closedAt: string | null;
  settled: boolean;
  refundedFen: Fen;
  /** What the merchant keeps of this order now (0 when it was never paid). */
  netFen: Fen;
  refunds: LedgerRefund[];
  /** Internal: real ms timestamps, for the gateway's own use. */
  createdAtMs: number;
  paidAtMs: number | null;
  resolveAtMs: number | null;
}

export interface LedgerWithdrawal {
  merchantNo: string;
  via: WithdrawVia;
  outTradeNo: string;
  tradeNo: string;
  amountFen: Fen;
  feeFen: Fen;
  state: WithdrawalState;
  account: Record<string, unknown>;
  createdAt: string;
  doneAt: string | null;
}

export interface LedgerBalances {
  /** 可提现: settled money not frozen or withdrawn. */
  balanceFen: Fen;
  freezeFen: Fen;
  unliquidatedFen: Fen;
  withdrawnFen: Fen;
}

export interface NotifyAttempt {
  merchantNo: string;
  outTradeNo: string;
  /** 1-based delivery number (1 = first delivery, up to 8). */
  attempt: number;
  at: string;
  httpStatus: number | null;
  /** The receiver's answer (truncated) or the transport error. */
  answer: string;
  acknowledged: boolean;
}

export interface NewOrder {
  merchantNo: string;
  outTradeNo: string;
  method: string;
  channel: string;
  kind: OrderKind;
  amountFen: Fen;
  scenario: Scenario;
  signType: 'MD5' | 'RSA';
  notifyUrl: string | null;
  orderName: string | null;
  body: string | null;
  token: string | null;
  maskedAuthCode: string | null;
  state: SandboxOrderState;
  resolveAtMs: number | null;
}

export interface LedgerOptions {
  dbPath?: string;
  clock: SandboxClock;
  /** Fee of the channel in parts per million of the amount (3800 = 0.38%). */
  feeRatePpm: number;
  /** Sandbox ms after payment when an order's net is settled (T+1 by default). */
  settleAfterMs: number;
  /** The merchant a test hook acts for when none is named. */
  defaultMerchantNo: string;
}

const SCHEMA_VERSION = 1;
/** How much of a receiver's answer we keep per delivery. */
export const MAX_NOTIFY_ANSWER_CHARS = 200;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS orders (
  seq INTEGER PRIMARY KEY,
  merchant_no TEXT NOT NULL,
  out_trade_no TEXT NOT NULL,
  trade_no TEXT NOT NULL UNIQUE,
  method TEXT NOT NULL,
  channel TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('scan','qr','link','jsapi')),
  amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),
  fee_fen INTEGER NOT NULL DEFAULT 0 CHECK (fee_fen >= 0 AND fee_fen <= amount_fen),
  state TEXT NOT NULL CHECK (state IN ('pending','paid','declined','closed','refunded')),
  closed_by TEXT,
  scenario TEXT NOT NULL,
  sign_type TEXT NOT NULL,
  notify_url TEXT,
  order_name TEXT,
  body TEXT,
  token TEXT UNIQUE,
  masked_auth_code TEXT,
  resolve_at_ms INTEGER,
  created_at_ms INTEGER NOT NULL,
  paid_at_ms INTEGER,
  closed_at_ms INTEGER,
  settled_at_ms INTEGER,
  UNIQUE (merchant_no, out_trade_no)
);
CREATE INDEX IF NOT EXISTS orders_pending ON orders (state, resolve_at_ms);
CREATE TABLE IF NOT EXISTS refunds (
  seq INTEGER PRIMARY KEY,
  merchant_no TEXT NOT NULL,
  out_refund_no TEXT NOT NULL,
  out_trade_no TEXT NOT NULL,
  amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),
  fee_back_fen INTEGER NOT NULL CHECK (fee_back_fen >= 0),
  kind TEXT NOT NULL CHECK (kind IN ('refund','reverse','injected')),
  reason TEXT,
  created_at_ms INTEGER NOT NULL,
  UNIQUE (merchant_no, out_refund_no)
);
CREATE INDEX IF NOT EXISTS refunds_order ON refunds (merchant_no, out_trade_no);
CREATE TABLE IF NOT EXISTS withdrawals (
  seq INTEGER PRIMARY KEY,
  merchant_no TEXT NOT NULL,
  via TEXT NOT NULL CHECK (via IN ('merchant','unionpay')),
  out_trade_no TEXT NOT NULL,
  trade_no TEXT NOT NULL UNIQUE,
  amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),
  fee_fen INTEGER NOT NULL CHECK (fee_fen >= 0),
  state TEXT NOT NULL CHECK (state IN ('processing','paid','failed')),
  fails INTEGER NOT NULL DEFAULT 0,
  account_json TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL,
  complete_at_ms INTEGER NOT NULL,
  done_at_ms INTEGER,
  UNIQUE (merchant_no, out_trade_no)
);
CREATE TABLE IF NOT EXISTS adjustments (
  seq INTEGER PRIMARY KEY,
  merchant_no TEXT NOT NULL,
  amount_fen INTEGER NOT NULL,
  reason TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS notifications (
  seq INTEGER PRIMARY KEY,
  merchant_no TEXT NOT NULL,
  out_trade_no TEXT NOT NULL,
  attempt INTEGER NOT NULL,
  at_ms INTEGER NOT NULL,
  http_status INTEGER,
  answer TEXT NOT NULL,
  acknowledged INTEGER NOT NULL
);
`;

interface OrderRow {
  merchant_no: string;
  out_trade_no: string;
  trade_no: string;
  method: string;
  channel: string;
  kind: OrderKind;
  amount_fen: number;
  fee_fen: number;
  state: SandboxOrderState;
  closed_by: ClosedBy | null;
  scenario: Scenario;
  sign_type: 'MD5' | 'RSA';
  notify_url: string | null;
  order_name: string | null;
  body: string | null;
  token: string | null;
  masked_auth_code: string | null;
  resolve_at_ms: number | null;
  created_at_ms: number;
  paid_at_ms: number | null;
  closed_at_ms: number | null;
  settled_at_ms: number | null;
}
interface RefundRow {
  merchant_no: string;
  out_refund_no: string;
  out_trade_no: string;
  amount_fen: number;
  fee_back_fen: number;
  kind: LedgerRefund['kind'];
  reason: string | null;
  created_at_ms: number;
}
interface WithdrawalRow {
  merchant_no: string;
  via: WithdrawVia;
  out_trade_no: string;
  trade_no: string;
  amount_fen: number;
  fee_fen: number;
  state: WithdrawalState;
  fails: number;
  account_json: string;
  created_at_ms: number;
  complete_at_ms: number;
  done_at_ms: number | null;
}

export class LedgerError extends Error {
  override name = 'LedgerError';
}

/** fee = amount × ppm / 10^6, rounded half up, in integers only. */
export function feeFor(amountFen: Fen, feeRatePpm: number): Fen {
  return Math.floor((amountFen * feeRatePpm + 500_000) / 1_000_000);
}

export class Ledger {
  readonly db: Database.Database;
  private readonly clock: SandboxClock;
  private readonly feeRatePpm: number;
  private readonly settleAfterMs: number;
  readonly defaultMerchantNo: string;
  private seq: number;
  private readonly st;

  constructor(opts: LedgerOptions) {
    this.clock = opts.clock;
    this.feeRatePpm = opts.feeRatePpm;
    this.settleAfterMs = opts.settleAfterMs;
    this.defaultMerchantNo = opts.defaultMerchantNo;
    this.db = new Database(opts.dbPath ?? ':memory:', sqliteOptions());
    if (opts.dbPath && opts.dbPath !== ':memory:') this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    const version = this.db.pragma('user_version', { simple: true }) as number;
    if (version > SCHEMA_VERSION) throw new LedgerError(`sandbox ledger ${opts.dbPath}: schema version ${version} is newer than this sandbox (${SCHEMA_VERSION})`);
    this.db.exec(SCHEMA);
    this.db.pragma(`user_version = ${SCHEMA_VERSION}`);
    const maxSeq = this.db.prepare('SELECT MAX(m) AS m FROM (SELECT MAX(seq) AS m FROM orders UNION ALL SELECT MAX(seq) FROM withdrawals)').get() as { m: number | null };
    this.seq = maxSeq.m ?? 0;
    const db = this.db;
    this.st = {
      insertOrder: db.prepare(`INSERT INTO orders (merchant_no,out_trade_no,trade_no,method,channel,kind,amount_fen,fee_fen,state,closed_by,scenario,sign_type,notify_url,order_name,body,token,masked_auth_code,resolve_at_ms,created_at_ms,paid_at_ms,closed_at_ms)
        VALUES (@merchant_no,@out_trade_no,@trade_no,@method,@channel,@kind,@amount_fen,@fee_fen,@state,@closed_by,@scenario,@sign_type,@notify_url,@order_name,@body,@token,@masked_auth_code,@resolve_at_ms,@created_at_ms,@paid_at_ms,@closed_at_ms)`),
      orderByNo: db.prepare('SELECT * FROM orders WHERE merchant_no = ? AND out_trade_no = ?'),
      orderByToken: db.prepare('SELECT * FROM orders WHERE token = ?'),
      ordersAll: db.prepare('SELECT * FROM orders ORDER BY seq'),
      ordersOf: db.prepare('SELECT * FROM orders WHERE merchant_no = ? ORDER BY seq'),
      duePending: db.prepare("SELECT * FROM orders WHERE state = 'pending' AND resolve_at_ms IS NOT NULL AND resolve_at_ms <= ?"),
      setPaid: db.prepare("UPDATE orders SET state = 'paid', paid_at_ms = ?, fee_fen = ?, resolve_at_ms = NULL, closed_by = NULL, closed_at_ms = NULL WHERE merchant_no = ? AND out_trade_no = ?"),
      setClosed: db.prepare('UPDATE orders SET state = ?, closed_by = ?, closed_at_ms = ?, resolve_at_ms = NULL WHERE merchant_no = ? AND out_trade_no = ?'),
      setAmount: db.prepare('UPDATE orders SET amount_fen = ?, fee_fen = MIN(fee_fen, ?) WHERE merchant_no = ? AND out_trade_no = ?'),
      deleteOrder: db.prepare('DELETE FROM orders WHERE merchant_no = ? AND out_trade_no = ?'),
      refundsOf: db.prepare('SELECT * FROM refunds WHERE merchant_no = ? AND out_trade_no = ? ORDER BY seq'),
      refundsAll: db.prepare('SELECT * FROM refunds ORDER BY seq'),
      refundByNo: db.prepare('SELECT * FROM refunds WHERE merchant_no = ? AND out_refund_no = ?'),
      insertRefund: db.prepare('INSERT INTO refunds (merchant_no,out_refund_no,out_trade_no,amount_fen,fee_back_fen,kind,reason,created_at_ms) VALUES (?,?,?,?,?,?,?,?)'),
      refundSums: db.prepare('SELECT COALESCE(SUM(amount_fen),0) AS amount, COALESCE(SUM(fee_back_fen),0) AS fee_back FROM refunds WHERE merchant_no = ? AND out_trade_no = ?'),
      settleDue: db.prepare('UPDATE orders SET settled_at_ms = paid_at_ms + ? WHERE settled_at_ms IS NULL AND paid_at_ms IS NOT NULL AND paid_at_ms + ? <= ?'),
      settleAll: db.prepare('UPDATE orders SET settled_at_ms = ? WHERE settled_at_ms IS NULL AND paid_at_ms IS NOT NULL'),
      netSums: db.prepare(`SELECT
          COALESCE(SUM(CASE WHEN o.settled_at_ms IS NULL THEN o.amount_fen - o.fee_fen ELSE 0 END),0) AS unsettled_gross,
          COALESCE(SUM(CASE WHEN o.settled_at_ms IS NOT NULL THEN o.amount_fen - o.fee_fen ELSE 0 END),0) AS settled_gross
        FROM orders o WHERE o.merchant_no = ? AND o.paid_at_ms IS NOT NULL`),
      refundDeductions: db.prepare(`SELECT
          COALESCE(SUM(CASE WHEN o.settled_at_ms IS NULL THEN r.amount_fen - r.fee_back_fen ELSE 0 END),0) AS unsettled,
          COALESCE(SUM(CASE WHEN o.settled_at_ms IS NOT NULL THEN r.amount_fen - r.fee_back_fen ELSE 0 END),0) AS settled
        FROM refunds r JOIN orders o ON o.merchant_no = r.merchant_no AND o.out_trade_no = r.out_trade_no WHERE r.merchant_no = ?`),
      adjustSum: db.prepare('SELECT COALESCE(SUM(amount_fen),0) AS s FROM adjustments WHERE merchant_no = ?'),
      insertAdjust: db.prepare('INSERT INTO adjustments (merchant_no,amount_fen,reason,created_at_ms) VALUES (?,?,?,?)'),
      withdrawSums: db.prepare(`SELECT
          COALESCE(SUM(CASE WHEN state = 'processing' THEN amount_fen + fee_fen ELSE 0 END),0) AS frozen,
          COALESCE(SUM(CASE WHEN state = 'paid' THEN amount_fen + fee_fen ELSE 0 END),0) AS withdrawn
        FROM withdrawals WHERE merchant_no = ?`),
      insertWithdrawal: db.prepare(`INSERT INTO withdrawals (merchant_no,via,out_trade_no,trade_no,amount_fen,fee_fen,state,fails,account_json,created_at_ms,complete_at_ms)
        VALUES (?,?,?,?,?,?,'processing',?,?,?,?)`),
      withdrawalByNo: db.prepare('SELECT * FROM withdrawals WHERE merchant_no = ? AND out_trade_no = ?'),
      withdrawalsAll: db.prepare('SELECT * FROM withdrawals ORDER BY seq'),
      processingOf: db.prepare("SELECT COUNT(*) AS n FROM withdrawals WHERE merchant_no = ? AND state = 'processing'"),
      completeDue: db.prepare("UPDATE withdrawals SET state = CASE WHEN fails = 1 THEN 'failed' ELSE 'paid' END, done_at_ms = ? WHERE state = 'processing' AND complete_at_ms <= ?"),
      completeAll: db.prepare("UPDATE withdrawals SET state = ?, done_at_ms = ? WHERE state = 'processing'"),
      insertNotify: db.prepare('INSERT INTO notifications (merchant_no,out_trade_no,attempt,at_ms,http_status,answer,acknowledged) VALUES (?,?,?,?,?,?,?)'),
      notifyAll: db.prepare('SELECT * FROM notifications ORDER BY seq'),
      notifyOf: db.prepare('SELECT * FROM notifications WHERE out_trade_no = ? ORDER BY seq'),
    };
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  /** A platform number, unique in this ledger: 4200 + yyyyMMdd + 10-digit sequence. */
  nextTradeNo(prefix = '4200'): string {
    this.seq += 1;
    const d = this.clock.iso(this.clock.nowMs()).slice(0, 10).replace(/-/g, '');
    return `${prefix}${d}${String(this.seq).padStart(10, '0')}`;
  }

  // ------------------------------------------------------------ orders
  private toOrder(row: OrderRow): LedgerOrder {
    const refunds = (this.st.refundsOf.all(row.merchant_no, row.out_trade_no) as RefundRow[]).map((r) => this.toRefund(r));
    const refundedFen = refunds.reduce((s, r) => s + r.amountFen, 0);
    const feeBack = refunds.reduce((s, r) => s + r.feeBackFen, 0);
    const wasPaid = row.paid_at_ms !== null;
    return {
      merchantNo: row.merchant_no,
      outTradeNo: row.out_trade_no,
      tradeNo: row.trade_no,
      method: row.method,
      channel: row.channel,
      kind: row.kind,
      amountFen: row.amount_fen,
      feeFen: row.fee_fen,
      state: row.state,
      closedBy: row.closed_by,
      scenario: row.scenario,
      signType: row.sign_type,
      notifyUrl: row.notify_url,
      orderName: row.order_name,
      body: row.body,
      token: row.token,
      maskedAuthCode: row.masked_auth_code,
      createdAt: this.clock.iso(row.created_at_ms),
      paidAt: row.paid_at_ms === null ? null : this.clock.iso(row.paid_at_ms),
      closedAt: row.closed_at_ms === null ? null : this.clock.iso(row.closed_at_ms),
      settled: row.settled_at_ms !== null,
      refundedFen,
      netFen: wasPaid ? row.amount_fen - row.fee_fen - (refundedFen - feeBack) : 0,
      refunds,
      createdAtMs: row.created_at_ms,
      paidAtMs: row.paid_at_ms,
      resolveAtMs: row.resolve_at_ms,
    };
  }

  private toRefund(r: RefundRow): LedgerRefund {
    return {
      merchantNo: r.merchant_no,
      outRefundNo: r.out_refund_no,
      outTradeNo: r.out_trade_no,
      amountFen: r.amount_fen,
      feeBackFen: r.fee_back_fen,
      kind: r.kind,
      reason: r.reason,
      createdAt: this.clock.iso(r.created_at_ms),
    };
  }

  /** Inserts an order; false when (merchant_no, out_trade_no) exists already (12001). */
  insertOrder(o: NewOrder): LedgerOrder | null {
    const now = this.clock.nowMs();
    const paid = o.state === 'paid';
    try {
      this.st.insertOrder.run({
        merchant_no: o.merchantNo,
        out_trade_no: o.outTradeNo,
        trade_no: this.nextTradeNo(),
        method: o.method,
        channel: o.channel,
        kind: o.kind,
        amount_fen: o.amountFen,
        fee_fen: paid ? feeFor(o.amountFen, this.feeRatePpm) : 0,
        state: o.state,
        closed_by: o.state === 'declined' ? 'scenario' : null,
        scenario: o.scenario,
        sign_type: o.signType,
        notify_url: o.notifyUrl,
        order_name: o.orderName,
        body: o.body,
        token: o.token,
        masked_auth_code: o.maskedAuthCode,
        resolve_at_ms: o.resolveAtMs,
        created_at_ms: now,
        paid_at_ms: paid ? now : null,
        closed_at_ms: o.state === 'declined' ? now : null,
      });
    } catch (err) {
      if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') return null;
      throw err;
    }
    return this.order(o.outTradeNo, o.merchantNo);
  }

  /** The order as stored (no resolution of due pending orders: see GatewayCore.order). */
  order(outTradeNo: string, merchantNo = this.defaultMerchantNo): LedgerOrder | null {
    const row = this.st.orderByNo.get(merchantNo, outTradeNo) as OrderRow | undefined;
    return row ? this.toOrder(row) : null;
  }

  orderByToken(token: string): LedgerOrder | null {
    const row = this.st.orderByToken.get(token) as OrderRow | undefined;
    return row ? this.toOrder(row) : null;
  }

  /** Every order (of one merchant, or all), with refunds. */
  orders(merchantNo?: string): LedgerOrder[] {
    const rows = (merchantNo ? this.st.ordersOf.all(merchantNo) : this.st.ordersAll.all()) as OrderRow[];
    return rows.map((r) => this.toOrder(r));
  }

  /** Pending orders whose scenario time has come. */
  duePending(nowMs: number): LedgerOrder[] {
    return (this.st.duePending.all(nowMs) as OrderRow[]).map((r) => this.toOrder(r));
  }

  markPaidRow(outTradeNo: string, merchantNo: string, atMs = this.clock.nowMs()): void {
    const o = this.order(outTradeNo, merchantNo);
    if (!o) throw new LedgerError(`no order ${outTradeNo} of merchant ${merchantNo}`);
    this.st.setPaid.run(atMs, feeFor(o.amountFen, this.feeRatePpm), merchantNo, outTradeNo);
  }

  markClosedRow(outTradeNo: string, merchantNo: string, state: 'closed' | 'declined' | 'refunded', by: ClosedBy, atMs = this.clock.nowMs()): void {
    this.st.setClosed.run(state, by, atMs, merchantNo, outTradeNo);
  }

  refundSums(outTradeNo: string, merchantNo: string): { amountFen: Fen; feeBackFen: Fen } {
    const r = this.st.refundSums.get(merchantNo, outTradeNo) as { amount: number; fee_back: number };
    return { amountFen: r.amount, feeBackFen: r.fee_back };
  }

  refundByNo(outRefundNo: string, merchantNo = this.defaultMerchantNo): LedgerRefund | null {
    const r = this.st.refundByNo.get(merchantNo, outRefundNo) as RefundRow | undefined;
    return r ? this.toRefund(r) : null;
  }

  /**
   * The fee a refund of `amountFen` gives back: proportional (rounded half up), and the last
   * refund gives back whatever fee is left, so a full refund returns the whole fee exactly.
   */
  feeBackFor(order: LedgerOrder, amountFen: Fen): Fen {
    const sums = this.refundSums(order.outTradeNo, order.merchantNo);
    const isLast = sums.amountFen + amountFen === order.amountFen;
    const feeBack = isLast ? order.feeFen - sums.feeBackFen : Math.floor((order.feeFen * amountFen + Math.floor(order.amountFen / 2)) / order.amountFen);
    return Math.max(0, Math.min(feeBack, order.feeFen - sums.feeBackFen));
  }

  /**
   * What a refund of a settled order takes from the settled balance (the amount less the fee it
   * gives back); null when the balance cannot pay it. Unsettled orders are paid from their own
   * unsettled money and always can be.
   */
  refundShortfall(order: LedgerOrder, amountFen: Fen): Fen | null {
    if (!order.settled) return null;
    const need = amountFen - this.feeBackFor(order, amountFen);
    const balance = this.balances(order.merchantNo).balanceFen;
    return balance < need ? need : null;
  }

  /**
   * Records a refund of a paid order and gives back the fee proportionally; the last refund gives
   * back whatever fee is left, so a full refund returns the whole fee exactly.
   */
  insertRefund(order: LedgerOrder, outRefundNo: string, amountFen: Fen, kind: LedgerRefund['kind'], reason: string | null): LedgerRefund {
    const sums = this.refundSums(order.outTradeNo, order.merchantNo);
    if (amountFen <= 0 || sums.amountFen + amountFen > order.amountFen) {
      throw new LedgerError(`refund of ${amountFen} fen exceeds what is refundable of ${order.outTradeNo}`);
    }
    this.st.insertRefund.run(order.merchantNo, outRefundNo, order.outTradeNo, amountFen, this.feeBackFor(order, amountFen), kind, reason, this.clock.nowMs());
    return this.refundByNo(outRefundNo, order.merchantNo)!;
  }

  /** Every refund (including reversals of paid orders), optionally of one order. */
  refunds(outTradeNo?: string, merchantNo = this.defaultMerchantNo): LedgerRefund[] {
    const rows = (outTradeNo ? this.st.refundsOf.all(merchantNo, outTradeNo) : this.st.refundsAll.all()) as RefundRow[];
    return rows.map((r) => this.toRefund(r));
  }

  // ------------------------------------------------------------ balances
  /** Settles orders whose settlement delay has passed. Returns how many. */
  settleDue(): number {
    const delay = this.clock.realMs(this.settleAfterMs);
    return this.st.settleDue.run(delay, delay, this.clock.nowMs()).changes;
  }

  balances(merchantNo = this.defaultMerchantNo): LedgerBalances {
    this.settleDue();
    this.completeDueWithdrawals();
    const g = this.st.netSums.get(merchantNo) as { unsettled_gross: number; settled_gross: number };
    const d = this.st.refundDeductions.get(merchantNo) as { unsettled: number; settled: number };
    const adj = (this.st.adjustSum.get(merchantNo) as { s: number }).s;
    const w = this.st.withdrawSums.get(merchantNo) as { frozen: number; withdrawn: number };
    const settled = g.settled_gross - d.settled + adj;
    return {
      balanceFen: settled - w.withdrawn - w.frozen,
      freezeFen: w.frozen,
      unliquidatedFen: g.unsettled_gross - d.unsettled,
      withdrawnFen: w.withdrawn,
    };
  }

  // ------------------------------------------------------------ withdrawals
  hasProcessingWithdrawal(merchantNo: string): boolean {
    this.completeDueWithdrawals();
    return (this.st.processingOf.get(merchantNo) as { n: number }).n > 0;
  }

  insertWithdrawal(w: { merchantNo: string; via: WithdrawVia; outTradeNo: string; amountFen: Fen; feeFen: Fen; willFail: boolean; account: Record<string, unknown>; completeAfterRealMs: number }): LedgerWithdrawal | null {
    const now = this.clock.nowMs();
    try {
      this.st.insertWithdrawal.run(w.merchantNo, w.via, w.outTradeNo, this.nextTradeNo('8800'), w.amountFen, w.feeFen, w.willFail ? 1 : 0, JSON.stringify(w.account), now, now + w.completeAfterRealMs);
    } catch (err) {
      if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') return null;
      throw err;
    }
    return this.withdrawal(w.outTradeNo, w.merchantNo);
  }

  private toWithdrawal(r: WithdrawalRow): LedgerWithdrawal {
    return {
      merchantNo: r.merchant_no,
      via: r.via,
      outTradeNo: r.out_trade_no,
      tradeNo: r.trade_no,
      amountFen: r.amount_fen,
      feeFen: r.fee_fen,
      state: r.state,
      account: JSON.parse(r.account_json) as Record<string, unknown>,
      createdAt: this.clock.iso(r.created_at_ms),
      doneAt: r.done_at_ms === null ? null : this.clock.iso(r.done_at_ms),
    };
  }

  withdrawal(outTradeNo: string, merchantNo = this.defaultMerchantNo): LedgerWithdrawal | null {
    this.completeDueWithdrawals();
    const r = this.st.withdrawalByNo.get(merchantNo, outTradeNo) as WithdrawalRow | undefined;
    return r ? this.toWithdrawal(r) : null;
  }

  withdrawals(): LedgerWithdrawal[] {
    this.completeDueWithdrawals();
    return (this.st.withdrawalsAll.all() as WithdrawalRow[]).map((r) => this.toWithdrawal(r));
  }

  completeDueWithdrawals(): number {
    const now = this.clock.nowMs();
    return this.st.completeDue.run(now, now).changes;
  }

  // ------------------------------------------------------------ callbacks
  recordNotify(a: { merchantNo: string; outTradeNo: string; attempt: number; httpStatus: number | null; answer: string; acknowledged: boolean }): void {
    this.st.insertNotify.run(a.merchantNo, a.outTradeNo, a.attempt, this.clock.nowMs(), a.httpStatus, a.answer.slice(0, MAX_NOTIFY_ANSWER_CHARS), a.acknowledged ? 1 : 0);
  }

  notifications(outTradeNo?: string): NotifyAttempt[] {
    const rows = (outTradeNo ? this.st.notifyOf.all(outTradeNo) : this.st.notifyAll.all()) as Array<{
      merchant_no: string; out_trade_no: string; attempt: number; at_ms: number; http_status: number | null; answer: string; acknowledged: number;
    }>;
    return rows.map((r) => ({
      merchantNo: r.merchant_no,
      outTradeNo: r.out_trade_no,
      attempt: r.attempt,
      at: this.clock.iso(r.at_ms),
      httpStatus: r.http_status,
      answer: r.answer,
      acknowledged: r.acknowledged === 1,
    }));
  }

  // ------------------------------------------------------------ test hooks (fault injection)
  /** Moves every paid order's net into the settled balance now. Returns how many settled. */
  settleAll(): number {
    return this.st.settleAll.run(this.clock.nowMs()).changes;
  }

  /** Ends every processing withdrawal now, as paid (default) or failed. */
  completeWithdrawals(state: 'paid' | 'failed' = 'paid'): number {
    return this.st.completeAll.run(state, this.clock.nowMs()).changes;
  }

  /** Adds (or with a negative amount removes) settled money, e.g. an opening balance. */
  adjustBalance(amountFen: Fen, reason: string, merchantNo = this.defaultMerchantNo): void {
    if (!Number.isSafeInteger(amountFen)) throw new LedgerError('amountFen: must be a whole number of fen');
    this.st.insertAdjust.run(merchantNo, amountFen, reason, this.clock.nowMs());
  }

  /** Mismatch: the gateway says paid (e.g. paid after the till gave up). No callback is sent. */
  markPaid(outTradeNo: string, merchantNo = this.defaultMerchantNo): LedgerOrder {
    this.markPaidRow(outTradeNo, merchantNo);
    return this.order(outTradeNo, merchantNo)!;
  }

  /** Mismatch: force a state (closed/declined/refunded/pending) without refunds or callbacks. */
  setState(outTradeNo: string, state: SandboxOrderState, merchantNo = this.defaultMerchantNo): LedgerOrder {
    const o = this.order(outTradeNo, merchantNo);
    if (!o) throw new LedgerError(`no order ${outTradeNo} of merchant ${merchantNo}`);
    if (state === 'paid') return this.markPaid(outTradeNo, merchantNo);
    if (state === 'pending') {
      this.db.prepare("UPDATE orders SET state = 'pending', closed_by = NULL, closed_at_ms = NULL, resolve_at_ms = NULL WHERE merchant_no = ? AND out_trade_no = ?").run(merchantNo, outTradeNo);
    } else {
      this.markClosedRow(outTradeNo, merchantNo, state, 'injected');
    }
    return this.order(outTradeNo, merchantNo)!;
  }

  /** Mismatch: the gateway holds another amount for this order. */
  setAmount(outTradeNo: string, amountFen: Fen, merchantNo = this.defaultMerchantNo): LedgerOrder {
    if (!Number.isSafeInteger(amountFen) || amountFen <= 0) throw new LedgerError('amountFen: must be a positive whole number of fen');
    if (this.st.setAmount.run(amountFen, amountFen, merchantNo, outTradeNo).changes === 0) throw new LedgerError(`no order ${outTradeNo} of merchant ${merchantNo}`);
    return this.order(outTradeNo, merchantNo)!;
  }

  /** Mismatch: an order the till never made (paid by default). */
  injectOrder(o: { outTradeNo: string; amountFen: Fen; method?: string; state?: SandboxOrderState; merchantNo?: string }): LedgerOrder {
    const method = o.method ?? 'weixin.scan_qr_code_pay';
    const merchantNo = o.merchantNo ?? this.defaultMerchantNo;
    const made = this.insertOrder({
      merchantNo,
      outTradeNo: o.outTradeNo,
      method,
      channel: method.split('.')[0]!,
      kind: method.includes('scan_qr_code_pay') ? 'scan' : 'qr',
      amountFen: o.amountFen,
      scenario: 'instant',
      signType: 'MD5',
      notifyUrl: null,
      orderName: 'injected',
      body: null,
      token: null,
      maskedAuthCode: null,
      state: o.state === 'paid' || o.state === undefined ? 'paid' : o.state === 'pending' ? 'pending' : 'paid',
      resolveAtMs: null,
    });
    if (!made) throw new LedgerError(`order ${o.outTradeNo} exists already`);
    if (o.state && o.state !== 'paid' && o.state !== 'pending') return this.setState(o.outTradeNo, o.state, merchantNo);
    return made;
  }

  /** Mismatch: a refund made elsewhere (merchant back office). */
  injectRefund(outTradeNo: string, amountFen: Fen, outRefundNo = `INJ_${outTradeNo}_${Date.now()}`, merchantNo = this.defaultMerchantNo): LedgerRefund {
    const o = this.order(outTradeNo, merchantNo);
    if (!o) throw new LedgerError(`no order ${outTradeNo} of merchant ${merchantNo}`);
    if (o.paidAtMs === null) throw new LedgerError(`order ${outTradeNo} was never paid`);
    return this.insertRefund(o, outRefundNo.slice(0, 64), amountFen, 'injected', 'injected by a test');
  }

  /** Mismatch: the gateway has no record of this order. */
  deleteOrder(outTradeNo: string, merchantNo = this.defaultMerchantNo): void {
    this.db.prepare('DELETE FROM refunds WHERE merchant_no = ? AND out_trade_no = ?').run(merchantNo, outTradeNo);
    this.st.deleteOrder.run(merchantNo, outTradeNo);
  }
}
