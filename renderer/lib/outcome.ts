// What a payment attempt means to the cashier, from the engine's PaymentView, and the reasons in
// plain words with what to do next. The rule the screens follow: only `paid` is money received;
// anything not final is "still checking", never "failed".
import { ATTEMPT_STATE_RANK, isFinalAttemptState, type AttemptState } from '../../shared/payment';
import type { PaymentView } from '../../shared/ipc/contract';
import type { IpcError } from '../../shared/ipc/errors';
import { language, type Language, type MessageKey } from '../i18n';
import { statusMessage } from '../../shared/status-codes';
import { CONFIG_REFUSAL_CODES, configCodeOf } from '../../shared/config-refusal';

export type Outcome =
  /** Journaled, the request is on its way. */
  | 'sending'
  /** The customer must confirm on the phone (USERPAYING / WAIT_BUYER_PAY), or scan the QR code. */
  | 'confirming'
  /** The gateway gave no clear answer (timeout, 1000, bad signature): the engine is querying. */
  | 'checking'
  /** Deadline passed or cancelled: the engine is reversing; money, if taken, goes back. */
  | 'reversing'
  | 'paid'
  | 'declined'
  /** Closed or reversed before any money moved. */
  | 'closed'
  /** Reversed after it was paid: the money went back to the customer. */
  | 'refunded'
  /** Closed here, but the payment landed at the gateway later: the till is refunding it in full. */
  | 'paid_after_close';

/** The gateway said "pending" (the engine's reasonCode 'waiting'; USERPAYING / WAIT_BUYER_PAY). */
const CONFIRMING = /^waiting$|USERPAYING|WAIT_BUYER_PAY/;
/** Still pending, but the till has already given up waiting: cancelled, or its deadline passed. */
const GIVING_UP = /^(cancelled|expired_waiting|deadline)$/;

export function outcomeOf(view: Pick<PaymentView, 'state' | 'kind' | 'reasonCode' | 'reason'>): Outcome {
  switch (view.state) {
    case 'created':
      return 'sending';
    case 'pending':
      if (GIVING_UP.test(view.reasonCode ?? '')) return 'reversing';
      if (view.kind === 'qr') return 'confirming';
      return CONFIRMING.test(view.reasonCode ?? '') || CONFIRMING.test(view.reason ?? '') ? 'confirming' : 'checking';
    case 'reversing':
      return 'reversing';
    default:
      return view.state;
  }
}

export function isWaiting(outcome: Outcome): boolean {
  return outcome === 'sending' || outcome === 'confirming' || outcome === 'checking' || outcome === 'reversing';
}

/**
 * Which of two views of the same attempt to keep: events and call answers can arrive out of order,
 * and a state never moves back (a final state never changes, except paid → refunded and closed/declined → paid_after_close → refunded).
 */
export function newerView(current: PaymentView | null, next: PaymentView): PaymentView {
  if (!current || current.outTradeNo !== next.outTradeNo) return next;
  if (current.state === next.state) return next.updatedAt >= current.updatedAt ? next : current;
  if (isFinalAttemptState(current.state)) return rank(next.state) > rank(current.state) ? next : current;
  return rank(next.state) >= rank(current.state) ? next : current;
}

function rank(state: AttemptState): number {
  return ATTEMPT_STATE_RANK[state];
}

export interface Explanation {
  /** What happened, in plain words. */
  what: MessageKey;
  /** What the cashier should do next. */
  next: MessageKey;
  /** The gateway's own words, shown small for the record; null when there are none. */
  detail: string | null;
}

/**
 * Reason codes and texts → plain words. The engine's own codes ('cancelled', 'deadline'…) come
 * first; then the gateway's (status codes, channel trade states, their messages). `only`: a rule
 * that makes sense for one kind of ending (a declined payment was not "cancelled by the customer").
 */
const REASONS: { test: RegExp; what: MessageKey; next: MessageKey; only?: 'declined' | 'closed' }[] = [
  // A configuration refusal (main's 'config:<code>', or the bare code of an error): the manager's
  // problem, never the customer's decline.
  { test: new RegExp(`^config:|^(${CONFIG_REFUSAL_CODES.join('|')})$`), what: 'reason.config', next: 'next.managerConfig', only: 'declined' },
  { test: /^cancelled$|cashier|收银员/i, what: 'reason.cashierCancelled', next: 'next.rescan', only: 'closed' },
  { test: /^(deadline|expired_waiting)$|timeout|超时/i, what: 'reason.timeout', next: 'next.rescan', only: 'closed' },
  { test: /NOTENOUGH|BALANCE|余额|insufficient|not enough/i, what: 'reason.balance', next: 'next.otherMethod' },
  { test: /10008|AUTH_?CODE|AUTHCODE|EXPIRE|过期|失效|已使用|invalid.*code|code.*(invalid|used)/i, what: 'reason.codeExpired', next: 'next.refreshCode' },
  { test: /10006|10011|10012|13001|15001|15002|通道|channel.*closed|merchant/i, what: 'reason.merchant', next: 'next.callManager' },
  { test: /offline|unreachable|网络|network/i, what: 'reason.offline', next: 'next.cashOrRetry' },
  // Case-sensitive: the channels' native states, not the engine's lowercase 'closed'.
  { test: /\bCLOSED\b|TRADE_CLOSED|REVOKED|用户取消/, what: 'reason.customerCancelled', next: 'next.rescan', only: 'closed' },
  { test: /LIMIT|限额|exceed/i, what: 'reason.limit', next: 'next.otherMethod' },
  { test: /PAYERROR|TRADE_CLOSED|declin|拒绝|RISK|风险/i, what: 'reason.declined', next: 'next.otherMethod', only: 'declined' },
];

/** Plain words for a declined or closed payment, from the engine's reason code and text. */
export function explain(reasonCode: string | null, reason: string | null, fallback: 'declined' | 'closed' = 'declined'): Explanation {
  const hit = REASONS.find((r) => (!r.only || r.only === fallback) && (r.test.test(reasonCode ?? '') || r.test.test(reason ?? '')));
  const detail = reason ?? reasonCode;
  if (hit) return { what: hit.what, next: hit.next, detail };
  return fallback === 'closed'
    ? { what: 'reason.closed', next: 'next.rescan', detail }
    : { what: 'reason.generic', next: 'next.otherMethod', detail };
}

/**
 * The status code when an attempt's reason code says the till is set up wrongly ('config:10001'),
 * also while it is still unknown (an unsigned 10001 is settled by query like any unknown).
 */
export function configProblemOf(view: Pick<PaymentView, 'reasonCode'> | null): number | null {
  return view ? configCodeOf(view.reasonCode) : null;
}

/** Plain words for an error answered by the main side (before or instead of an attempt). */
export function explainError(error: IpcError): Explanation {
  switch (error.code) {
    case 'offline':
      return { what: 'reason.offline', next: 'next.cashOrRetry', detail: error.message };
    case 'rejected':
      return explain(error.gatewayCode !== undefined ? String(error.gatewayCode) : null, error.message);
    case 'conflict':
      return { what: 'reason.conflict', next: 'next.waitCurrent', detail: error.message };
    case 'invalid_payload':
      return { what: 'reason.invalid', next: 'next.checkInput', detail: error.message };
    case 'unavailable':
      return { what: 'reason.unavailable', next: 'next.callManager', detail: error.message };
    case 'pin_required':
      return { what: 'reason.pin', next: 'next.checkInput', detail: error.message };
    default:
      return { what: 'reason.internal', next: 'next.callManager', detail: error.message };
  }
}

/**
 * One line for an error shown inline (a dialog, an action): the plain words in the screen's
 * language, then main's own message for the record. A PIN refusal needs no record.
 */
export function errorLine(error: IpcError, tr: (key: MessageKey, params?: Record<string, string | number>) => string, lang: Language = language.value): string {
  if (error.code === 'pin_required') {
    if (/locked/i.test(error.message)) return tr('pin.locked', { detail: error.message.replace(/^.*?try again in /, '') });
    return /required/i.test(error.message) ? tr('pin.rule') : tr('pin.wrong');
  }
  // The gateway refused: its own status text (the table of the API document) says it best.
  if (error.code === 'rejected' && error.gatewayCode !== undefined) {
    return `${statusMessage(error.gatewayCode, lang === 'zh-CN' ? 'zh' : 'en')}（${error.gatewayCode}）`;
  }
  return `${tr(explainError(error).what)}（${error.message}）`;
}
