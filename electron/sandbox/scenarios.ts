// The sandbox's scripted customers (wire.md "Sandbox scenarios"): the last two digits of a valid
// WeChat or Alipay payment code decide what happens to a scan payment.
import type { Scenario } from './ledger.js';

export interface ScenarioInfo {
  suffix: string;
  scenario: Scenario;
  what: string;
}

export const SCAN_SCENARIOS: readonly ScenarioInfo[] = [
  { suffix: '01', scenario: 'confirm', what: 'customer confirms on the phone: pending (USERPAYING / WAIT_BUYER_PAY), paid 10 s later' },
  { suffix: '02', scenario: 'cancel', what: 'customer cancels on the phone: pending, closed 10 s later, never paid' },
  { suffix: '03', scenario: 'decline', what: 'declined at once (insufficient balance): PAYERROR / TRADE_CLOSED' },
  { suffix: '04', scenario: 'slow', what: 'charged, but the answer comes only after 30 s (the client times out first)' },
  { suffix: '05', scenario: 'system_error', what: 'charged, but the gateway answers 1000 (系统错误)' },
  { suffix: '07', scenario: 'late', what: 'the answer is lost and the order is recorded (paid) only 60 s later, after the client gave up' },
];
/** Suffix 06: the payment code is expired or already used; answered 10008, no order is made. */
export const EXPIRED_CODE_SUFFIX = '06';

/** Sandbox seconds a confirming / cancelling customer takes. */
export const CUSTOMER_DECISION_MS = 10_000;
/** Sandbox seconds the slow scenario holds its answer. */
export const SLOW_ANSWER_MS = 30_000;
/**
 * Sandbox seconds after the request until a late-landing order (suffix 07) is recorded as paid:
 * past the till's 45 s wait, so the till has been told "no such order" by then.
 */
export const LATE_LANDING_MS = 60_000;
/** Sandbox lifetime of an unpaid QR / link order before it is closed. */
export const QR_ORDER_TTL_MS = 2 * 60 * 60 * 1000;

export function scenarioOf(authCode: string): Scenario | 'expired' {
  const suffix = authCode.slice(-2);
  if (suffix === EXPIRED_CODE_SUFFIX) return 'expired';
  return SCAN_SCENARIOS.find((s) => s.suffix === suffix)?.scenario ?? 'instant';
}

/** Withdrawals to an account number ending in this fail (funds are released). */
export const FAILING_ACCOUNT_SUFFIX = '4444';
