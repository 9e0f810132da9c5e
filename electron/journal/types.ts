// Row types of the journal's typed repositories. Money fields end in Fen and are integers.
import type { Fen } from '../../shared/money.js';
import type { AttemptState, PayChannel, PayKind, RefundState } from '../../shared/payment.js';

/** What caused a state change; kept in the transition log and the audit log. */
export type TransitionSource = 'scan' | 'create' | 'query' | 'reverse' | 'callback' | 'cancel' | 'recover' | 'cash' | 'refund' | 'manager' | 'reconcile';
export type OutboxAction = 'settle' | 'reverse' | 'refund';
export type ReversalWhy = 'deadline' | 'cancel' | 'manager' | 'unclear';
export type ReversalResult = 'closed' | 'refunded' | 'paid';

export interface SaleLine {
  name: string;
  barcode?: string | undefined;
  qty: number;
  unitFen: Fen;
  /** Goods lines (issue 11): the catalogue product, when the line came from it. */
  productId?: number | undefined;
  /** The line's own discount (≤ qty × unitFen). */
  discountFen?: Fen | undefined;
  /** What the line was charged once the order discount and 抹零 were spread (Σ = the sale's amount). */
  amountFen?: Fen | undefined;
  /** A weighed line: its weight (qty is 1, unitFen its weighed price). */
  weightG?: number | undefined;
  category?: string | undefined;
}

/** A goods sale's order discount and 抹零 (shared/goods/sale.ts). */
export interface SaleAdjust {
  orderDiscountFen: Fen;
  roundingFen: Fen;
}

export interface SaleRow {
  id: number;
  createdAt: string;
  businessDate: string;
  shiftId: number | null;
  terminalId: string;
  amountFen: Fen;
  note: string | null;
  orderDiscountFen: Fen;
  roundingFen: Fen;
}

export interface AttemptRow {
  id: number;
  outTradeNo: string;
  saleId: number;
  kind: PayKind;
  channel: PayChannel;
  method: string;
  amountFen: Fen;
  state: AttemptState;
  tradeNo: string | null;
  maskedAuthCode: string | null;
  qrUrl: string | null;
  reason: string | null;
  reasonCode: string | null;
  deadlineAtMs: number | null;
  createdAt: string;
  updatedAt: string;
  finalAt: string | null;
  businessDate: string;
  shiftId: number | null;
  terminalId: string;
}

export interface TransitionRow {
  id: number;
  attemptId: number;
  at: string;
  fromState: AttemptState | null;
  toState: AttemptState;
  source: TransitionSource;
  reason: string | null;
  reasonCode: string | null;
}

export interface RefundRow {
  id: number;
  outRefundNo: string;
  attemptId: number;
  channel: PayChannel;
  amountFen: Fen;
  state: RefundState;
  reason: string | null;
  answer: string | null;
  createdAt: string;
  updatedAt: string;
  businessDate: string;
  shiftId: number | null;
  terminalId: string;
}

export interface ReversalRow {
  attemptId: number;
  requestedAt: string;
  why: ReversalWhy;
  tries: number;
  answeredAt: string | null;
  result: ReversalResult | null;
}

export interface OutboxRow {
  id: number;
  subject: 'attempt' | 'refund';
  ref: string;
  action: OutboxAction;
  dueAtMs: number;
  tries: number;
  lastError: string | null;
  openedAt: string;
  closedAt: string | null;
}

export interface CashTenderRow {
  attemptId: number;
  tenderedFen: Fen;
  changeFen: Fen;
}
