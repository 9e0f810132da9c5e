// Callbacks to notify_url (wire.md "Callback"): a form POST signed like an answer, delivered at
// once and then retried after 4m, 10m, 10m, 1h, 2h, 6h, 15h (8 deliveries in all, scaled by the
// time scale) until the receiver answers exactly `SUCCESS`. Each delivery is written to the ledger.
import type { SignValue } from '../../shared/canonical.js';
import { formatYuan } from '../../shared/money.js';
import type { Signer } from '../gateway/sign.js';
import { HOUR_MS, MINUTE_MS, type SandboxClock } from './clock.js';
import type { Ledger, LedgerOrder } from './ledger.js';
import { signCallback } from './protocol.js';

/** Waits between deliveries, in sandbox ms (the seed's 4m,10m,10m,1h,2h,6h,15h). */
export const NOTIFY_RETRY_DELAYS_MS: readonly number[] = [4 * MINUTE_MS, 10 * MINUTE_MS, 10 * MINUTE_MS, HOUR_MS, 2 * HOUR_MS, 6 * HOUR_MS, 15 * HOUR_MS];
/** Real ms one delivery may take before it counts as unanswered. */
export const NOTIFY_TIMEOUT_MS = 5_000;
/** The receiver's answer we read at most (only "SUCCESS" matters). */
export const MAX_NOTIFY_ANSWER_BYTES = 4096;

export interface NotifierOptions {
  ledger: Ledger;
  clock: SandboxClock;
  signerFor: (signType: 'MD5' | 'RSA') => Signer;
  fetchImpl?: typeof fetch;
  /** Real ms one delivery may take (default NOTIFY_TIMEOUT_MS). */
  timeoutMs?: number;
  log?: (line: string) => void;
}

export class Notifier {
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<AbortController>();
  private readonly started = new Set<string>();
  private closed = false;

  constructor(private readonly opts: NotifierOptions) {}

  /** The callback form of a paid order (common fields plus the channel's own). */
  callbackFields(o: LedgerOrder): Record<string, SignValue> {
    const fields: Record<string, SignValue> = {
      out_trade_no: o.outTradeNo,
      trade_no: o.tradeNo,
      total_amount: formatYuan(o.amountFen),
      pay_time: (o.paidAt ?? o.createdAt).replace('T', ' '),
    };
    if (o.channel === 'weixin' || o.channel === 'qq') {
      Object.assign(fields, {
        bank_type: 'CMB_DEBIT',
        cash_fee: formatYuan(o.amountFen),
        fee_type: 'CNY',
        is_subscribe: 'N',
        openid: `oSandbox${o.tradeNo.slice(-8)}`,
        trade_type: o.kind === 'scan' ? 'MICROPAY' : o.kind === 'jsapi' ? 'JSAPI' : 'NATIVE',
      });
    } else if (o.channel === 'alipay') {
      Object.assign(fields, {
        buyer_logon_id: '159****5620',
        trade_status: 'TRADE_SUCCESS',
        buyer_pay_amount: formatYuan(o.amountFen),
        point_amount: '0.00',
        subject: o.orderName ?? '',
        body: o.body ?? '',
        fund_bill_list: JSON.stringify([{ amount: formatYuan(o.amountFen), fundChannel: 'ALIPAYACCOUNT' }]),
      });
    } else if (o.channel === 'jd') {
      fields['trade_status'] = '2';
    } else if (o.channel === 'unionpay') {
      fields['trade_status'] = '00';
    }
    return fields;
  }

  /** Starts the deliveries for a paid order with a notify_url (once per order). */
  start(o: LedgerOrder): void {
    if (this.closed || !o.notifyUrl) return;
    const key = `${o.merchantNo}\u0000${o.outTradeNo}`;
    if (this.started.has(key)) return;
    this.started.add(key);
    const form = new URLSearchParams(signCallback(this.callbackFields(o), this.opts.signerFor(o.signType))).toString();
    void this.deliver(o, o.notifyUrl, form, 1);
  }

  private async deliver(o: LedgerOrder, url: string, form: string, attempt: number): Promise<void> {
    if (this.closed) return;
    const ac = new AbortController();
    this.inFlight.add(ac);
    const timeoutMs = this.opts.timeoutMs ?? NOTIFY_TIMEOUT_MS;
    const timer = setTimeout(() => ac.abort(), timeoutMs);
    let httpStatus: number | null = null;
    let answerText = '';
    try {
      const res = await (this.opts.fetchImpl ?? fetch)(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
        body: form,
        signal: ac.signal,
      });
      httpStatus = res.status;
      answerText = (await res.text()).slice(0, MAX_NOTIFY_ANSWER_BYTES);
    } catch (err) {
      answerText = `(no answer: ${ac.signal.aborted ? `timeout after ${timeoutMs} ms` : ((err as Error).message ?? 'error')})`;
    } finally {
      clearTimeout(timer);
      this.inFlight.delete(ac);
    }
    if (this.closed) return;
    const acknowledged = answerText === 'SUCCESS';
    this.opts.ledger.recordNotify({ merchantNo: o.merchantNo, outTradeNo: o.outTradeNo, attempt, httpStatus, answer: answerText, acknowledged });
    this.opts.log?.(`notify ${o.outTradeNo} #${attempt} → ${httpStatus ?? '-'} ${acknowledged ? 'SUCCESS' : 'not acknowledged'}`);
    if (acknowledged) return;
    const wait = NOTIFY_RETRY_DELAYS_MS[attempt - 1];
    if (wait === undefined) return; // 8 deliveries made: give up, as the seed says
    const t = setTimeout(() => {
      this.timers.delete(t);
      void this.deliver(o, url, form, attempt + 1);
    }, this.opts.clock.realMs(wait));
    t.unref();
    this.timers.add(t);
  }

  close(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const ac of this.inFlight) ac.abort();
  }
}
