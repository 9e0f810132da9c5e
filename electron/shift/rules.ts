// The shift room's rules and shapes: PIN lockout, variance threshold, denominations, the
// confirmer's pace, and the views ShiftService returns (electron/shift/service.ts re-exports all).
import type { Fen } from '../../shared/money.js';
import { PosError } from '../../shared/ipc/errors.js';
import type { CashierRole } from './store.js';

/** Wrong PINs in a row before a cashier is locked out for PIN_LOCKOUT_MS. */
export const MAX_PIN_TRIES = 5;
export const PIN_LOCKOUT_MS = 5 * 60_000;
/** Default variance (either way) above which closing needs the manager PIN and a reason. */
export const DEFAULT_VARIANCE_THRESHOLD_FEN = 1_000;
/** Counts per denomination at most (a bundle of 100,000 notes is already absurd at a till). */
export const MAX_DENOMINATION_COUNT = 100_000;
/**
 * The confirmer: while a shift is open, its final gateway orders are asked once in the background,
 * a page every CONFIRM_INTERVAL_MS, so the close has little left to ask (orders WeChat's scan pay
 * never calls back about, a lost Alipay callback). Only orders at least one interval old.
 */
export const CONFIRM_INTERVAL_MS = 10_000;
/** Orders asked per confirmer page (at most CONFIRM_PAGE_ORDERS / CONFIRM_INTERVAL_MS per second). */
export const CONFIRM_PAGE_ORDERS = 500;
/** Queries in flight at once for the confirmer: gentle, the cashier's payments come first. */
export const CONFIRM_CONCURRENCY = 2;
/** Rounds of "reconcile the orders that arrived while reconciling" before close gives up. */
export const MAX_CLOSE_RECONCILE_ROUNDS = 3;
/** Longest cash-move reason / variance reason kept. */
export const MAX_REASON_CHARS = 200;
/**
 * shift.reconcileProgress goes out at most this often while a close queries the gateway (plus
 * once at the end): a screen update per 200 ms reads as live, and a shift of 5,000 orders does
 * not flood the windows with 5,000 events.
 */
export const RECONCILE_PROGRESS_MS = 200;

/** RMB notes and coins, keyed by their yuan text (the keys `denominations` accepts). */
export const DENOMINATIONS_FEN: Readonly<Record<string, Fen>> = {
  '100': 10_000,
  '50': 5_000,
  '20': 2_000,
  '10': 1_000,
  '5': 500,
  '2': 200,
  '1': 100,
  '0.5': 50,
  '0.2': 20,
  '0.1': 10,
};

export interface CashierView {
  id: string;
  name: string;
  role: CashierRole;
  active: boolean;
  locked: boolean;
}

export interface SessionView {
  cashierId: string;
  name: string;
  role: CashierRole;
  signedInAt: string;
}

export interface CloseInput {
  countedFen: Fen;
  denominations?: Record<string, number>;
  managerPin?: string;
  varianceReason?: string;
}

export type ReconcileMode = 'none' | 'reuse' | 'all';

/**
 * How a report of a shift still open is shown. No managerPin: the cashier's BLIND report (the
 * drawer's figures null), so the count at close stays blind. A managerPin: checked by the manager
 * PIN service (wrong → pin_required, the same lockout as everywhere), then the full report.
 */
export interface DayReportOptions {
  reconcile?: ReconcileMode;
  onProgress?: (done: number, total: number) => void;
}

export interface RevealOptions {
  managerPin?: string;
}

/** Non-zero counts per denomination, so {"100":0,"50":1} and {"50":1} are the same count. */
export function denominationCounts(d: Record<string, number> | null | undefined): Map<string, number> {
  return new Map(Object.entries(d ?? {}).filter(([, n]) => n !== 0));
}

export function sameDenominations(a: Record<string, number> | null | undefined, b: Record<string, number> | null | undefined): boolean {
  const x = denominationCounts(a);
  const y = denominationCounts(b);
  return x.size === y.size && [...x].every(([k, n]) => y.get(k) === n);
}

export function parseDenominations(json: string | null): Record<string, number> | null {
  return json === null ? null : (JSON.parse(json) as Record<string, number>);
}

export const invalid = (path: string, message: string) => new PosError('invalid_payload', `${path}: ${message}`, { issues: [{ path, message }] });
