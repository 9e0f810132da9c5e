// Labels of the app's vocabulary (channels, methods, states) for the screens, through i18n keys.
import type { AttemptState, PayChannel, QrMethod } from '../../shared/payment';
import { QR_METHODS } from '../../shared/payment';
import { t, type MessageKey } from '../i18n';

export function channelLabel(channel: PayChannel): string {
  return t(`channel.${channel}` as MessageKey);
}

export function stateLabel(state: AttemptState): string {
  return t(`state.${state}` as MessageKey);
}

export function methodLabel(method: string): string {
  const key = `method.${method}` as MessageKey;
  const text = t(key);
  return text === key ? method : text;
}

/**
 * QR / link methods a counter cannot offer: unionpay.wap needs the customer's bank card number,
 * which the till does not take (the engine refuses it too).
 */
export const QR_METHODS_NOT_AT_COUNTER: readonly QrMethod[] = ['unionpay.wap'];

/** The QR / link methods the checkout offers, most used first; the rest follow in contract order. */
export const QR_METHODS_ORDERED: readonly QrMethod[] = (() => {
  const first: QrMethod[] = ['weixin.qr_code_pay', 'alipay.qr_code_pay', 'unionpay.gateway', 'qq.unified', 'jd.pay'];
  return [...first, ...QR_METHODS.filter((m) => !first.includes(m) && !QR_METHODS_NOT_AT_COUNTER.includes(m))];
})();

/** Local time "2025-01-31 14:05:09" from an ISO timestamp (or the text as given when not ISO). */
export function formatTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** "01-31 14:05" for tables, where the year and seconds only cost width. */
export function formatTimeShort(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** Today as yyyy-MM-dd in local time (the history filter's default). */
export function todayIso(now = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${p(now.getMonth() + 1)}-${p(now.getDate())}`;
}
