// Reading a callback from the gateway (wire.md "Callback"): parse the form, verify the signature
// (same rule as answers; MD5 secret or the platform's RSA key), convert money to fen and the time
// to ISO. Whether the order exists and the amount matches is the receiver's check (it owns the
// journal); answer NOTIFY_ACK only after the journal commit.
import type { Fen } from '../../shared/money.js';
import { wireYuanToFen } from '../../shared/money.js';
import type { AttemptState } from '../../shared/payment.js';
import { attemptStateOf } from '../../shared/trade-state.js';
import { normaliseWireTime, type LocalIso } from '../../shared/wire-time.js';
import type { Signer } from './sign.js';

/** The exact body that stops the gateway's retries. */
export const NOTIFY_ACK = 'SUCCESS';
/** The biggest callback body a receiver should read. */
export const MAX_NOTIFY_BODY_BYTES = 65_536;

export interface NotifyNotice {
  out_trade_no: string;
  trade_no: string;
  total_amount: Fen;
  pay_time: LocalIso;
  /** Native status when the channel sends one (Alipay, JD, UnionPay), else null. */
  trade_status: string | null;
  /** A verified callback without a status means paid (design.md payment rules). */
  state: AttemptState;
  /** Every field as received (strings), for the journal. */
  fields: Record<string, string>;
}

export type NotifyVerdict = { ok: true; notice: NotifyNotice } | { ok: false; reason: string };

/** form body → fields; a repeated key is refused (it would make the signature ambiguous). */
export function parseNotifyForm(body: string): Record<string, string> | null {
  const out: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(body)) {
    if (Object.hasOwn(out, k)) return null;
    out[k] = v;
  }
  return out;
}

export function verifyNotify(fields: Readonly<Record<string, string>>, signer: Signer): NotifyVerdict {
  if (!fields['sign']) return { ok: false, reason: 'callback is not signed' };
  if (fields['sign_type'] && fields['sign_type'] !== signer.signType) return { ok: false, reason: `callback signed with ${fields['sign_type']}, expected ${signer.signType}` };
  if (!signer.verify(fields, fields['sign'])) return { ok: false, reason: 'callback signature does not verify' };
  const outTradeNo = fields['out_trade_no'];
  const tradeNo = fields['trade_no'];
  if (!outTradeNo || !/^[A-Za-z0-9_]{1,64}$/.test(outTradeNo)) return { ok: false, reason: 'out_trade_no: missing or not 1–64 of [A-Za-z0-9_]' };
  if (!tradeNo) return { ok: false, reason: 'trade_no: missing' };
  const amount = wireYuanToFen(fields['total_amount']);
  if (amount === null || amount <= 0) return { ok: false, reason: 'total_amount: not an amount in yuan with at most two decimals' };
  const payTime = normaliseWireTime(fields['pay_time']);
  if (payTime === null) return { ok: false, reason: 'pay_time: not a time as yyyy-MM-dd HH:mm:ss' };
  const status = fields['trade_status'] ?? null;
  return {
    ok: true,
    notice: {
      out_trade_no: outTradeNo,
      trade_no: tradeNo,
      total_amount: amount,
      pay_time: payTime,
      trade_status: status,
      state: status === null ? 'paid' : attemptStateOf(status, { source: 'query', payTime: fields['pay_time'] ?? null }),
      fields: { ...fields },
    },
  };
}
