// The business parameters of each payment method the counter uses, in wire field names with
// money in fen (the gateway client converts to yuan). Merchant-specific values come from the
// profile; the customer-side values a counter cannot know get documented defaults.
import type { Fen } from '../../shared/money.js';
import { SCAN_PAY_METHOD, type ScanChannel } from '../../shared/paycode.js';
import type { QrMethod } from '../../shared/payment.js';

export interface MerchantProfile {
  merchantNo: string;
  /** Shown to the customer as the order name (order_name / subject), ≤ 64 chars. */
  orderName: string;
  /**
   * WeChat official-account appid (sub_appid) of weixin.scan_qr_code_pay / weixin.qr_code_pay.
   * Empty: not configured, so not sent (the method's own rule then refuses it before sending).
   */
  subAppId: string;
  /** WeChat sub-merchant id (weixin.h5_pay); empty: not configured, not sent. */
  subMchId: string;
  /** The till's IP address as the gateway wants it (spbill_create_ip / client_ip). */
  terminalIp: string;
  /** Where callbacks go; required by most methods (a discard address when no receiver runs). */
  notifyUrl: string;
  /** Return / success page for link methods. */
  returnUrl: string;
  /** UnionPay gateway payment: the default bank page (bank_code). */
  unionpayBankCode: string;
}

/**
 * The embedded demo sandbox's profile. A real gateway gets the merchant's own ids from the
 * settings (electron/app/start.ts); these placeholders are never sent to one.
 */
export const DEFAULT_PROFILE: Omit<MerchantProfile, 'merchantNo'> = {
  orderName: 'Counter sale',
  subAppId: 'wx0000000000000000',
  subMchId: '0000000000',
  terminalIp: '127.0.0.1',
  // Port 9 (discard): when no callback receiver runs, the gateway's callbacks go nowhere and the
  // engine settles by query, which it does anyway.
  notifyUrl: 'http://127.0.0.1:9/notify',
  returnUrl: 'http://127.0.0.1/paid',
  unionpayBankCode: '01020000',
};

/** QR/link methods a counter cannot start (they need the customer's own data). */
export const QR_METHODS_NOT_AT_COUNTER: Partial<Record<QrMethod, string>> = {
  'unionpay.wap': 'unionpay.wap needs the customer\'s bank card number (card_no), which a counter does not take',
};

/** `{ [field]: value }` when the merchant configured the value, else nothing (never a placeholder). */
function idField(field: string, value: string): Record<string, string> {
  return value === '' ? {} : { [field]: value };
}

export function scanPayParams(channel: ScanChannel, p: MerchantProfile, outTradeNo: string, amountFen: Fen, authCode: string, note: string | null) {
  const base = { merchant_no: p.merchantNo, out_trade_no: outTradeNo, order_name: p.orderName, total_amount: amountFen, auth_code: authCode, ...(note ? { body: note } : {}) };
  return channel === 'weixin'
    ? { method: SCAN_PAY_METHOD.weixin, params: { ...base, ...idField('sub_appid', p.subAppId), spbill_create_ip: p.terminalIp } }
    : { method: SCAN_PAY_METHOD.alipay, params: { ...base, scene: 'bar_code', client_ip: p.terminalIp, notify_url: p.notifyUrl } };
}

export function qrPayParams(method: QrMethod, p: MerchantProfile, outTradeNo: string, amountFen: Fen, saleId: number, note: string | null): Record<string, unknown> {
  const common = { out_trade_no: outTradeNo, total_amount: amountFen, notify_url: p.notifyUrl };
  const named = { ...common, merchant_no: p.merchantNo, order_name: p.orderName };
  const body = note || p.orderName;
  const goodsId = `SALE${saleId}`.slice(0, 32);
  switch (method) {
    case 'weixin.pay':
      return { ...named, ip: p.terminalIp, return_url: p.returnUrl };
    case 'weixin.qr_code_pay':
      return { ...named, ...idField('sub_appid', p.subAppId), spbill_create_ip: p.terminalIp, goods_id: goodsId, body, is_online: 0 };
    case 'weixin.h5_pay':
      return { ...named, goods_tag: 'POS', ...idField('sub_mch_id', p.subMchId), spbill_create_ip: p.terminalIp, sceneInfo: '{"h5_info":{"type":"Wap"}}' };
    case 'alipay.qr_code_pay':
      return { ...named, goods_id: goodsId, client_ip: p.terminalIp };
    case 'alipay.ration_code':
      return { ...common, merchant_no: p.merchantNo };
    case 'alipay.wap_pay':
      return { ...named, body, return_url: p.returnUrl };
    case 'alipay.h5_pay':
      return { ...named, ip: p.terminalIp, return_url: p.returnUrl };
    case 'jd.pay':
      return { ...named, order_type: 0 };
    case 'qq.unified':
      return { ...common, order_name: p.orderName, spbill_create_ip: p.terminalIp };
    case 'unionpay.gateway':
      return { ...common, channel_type: '07', subject: p.orderName, body, client_ip: p.terminalIp, pay_type: 3, bank_code: p.unionpayBankCode, success_url: p.returnUrl };
    case 'unionpay.wap':
      throw new Error(QR_METHODS_NOT_AT_COUNTER['unionpay.wap']);
  }
}

/** The URL a QR / link method answered with (qr_code, code_url or pay_url). */
export function qrUrlOf(result: Record<string, unknown>): string | null {
  for (const k of ['qr_code', 'code_url', 'pay_url']) {
    const v = result[k];
    if (typeof v === 'string' && v !== '') return v;
  }
  return null;
}
