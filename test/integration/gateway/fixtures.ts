// Valid parameters for every method, against a running sandbox; shared by the gateway tests.
import type { MethodName, MethodParams } from '../../../shared/methods.js';

let seq = 0;
/** A fresh out_trade_no per call: [A-Za-z0-9_], unique within a test run. */
export function no(prefix = 'T'): string {
  seq += 1;
  return `${prefix}_${process.pid}_${Date.now().toString(36)}_${seq}`;
}

export const WX_CODE = (suffix = '88') => `1345678901234567${suffix}`; // 18 digits, 13…
export const ALI_CODE = (suffix = '88') => `28456789012345${suffix}`; // 16 digits, 28…

export function payParams(method: MethodName, merchantNo: string, amountFen: number, notifyUrl = 'http://127.0.0.1:9/notify'): Record<string, unknown> {
  const out_trade_no = no(method.replace('.', '_'));
  const common = { merchant_no: merchantNo, out_trade_no, order_name: '沙箱测试-咖啡', total_amount: amountFen, notify_url: notifyUrl };
  switch (method) {
    case 'weixin.pay':
      return { ...common, ip: '192.168.1.9', return_url: 'https://shop.example/return' };
    case 'weixin.mppay':
      return { ...common, spbill_create_ip: '192.168.1.9', tran_type: 2, sub_mch_id: '1900000109', sub_openid: 'oUser', body: '一杯咖啡', is_online: 1 };
    case 'weixin.qr_code_pay':
      return { ...common, sub_appid: 'wx0000000000000001', spbill_create_ip: '192.168.1.9', goods_id: 'G1' };
    case 'weixin.h5_pay':
      return { ...common, goods_tag: 'tag', sub_mch_id: '1900000109', spbill_create_ip: '192.168.1.9', sceneInfo: '{"h5_info":{"type":"Wap"}}' };
    case 'alipay.qr_code_pay':
      return { ...common, goods_id: 'G1', client_ip: '192.168.1.9' };
    case 'alipay.ration_code':
      return { merchant_no: merchantNo, out_trade_no, total_amount: amountFen, notify_url: notifyUrl };
    case 'alipay.wap_pay':
      return { ...common, body: '一杯咖啡', return_url: 'https://shop.example/r' };
    case 'alipay.h5_pay':
      return { ...common, user_id: '2088000000000001' };
    case 'jd.pay':
      return { ...common, order_type: 0 };
    case 'qq.unified':
      return { out_trade_no, order_name: '咖啡', spbill_create_ip: '192.168.1.9', total_amount: amountFen, notify_url: notifyUrl };
    case 'unionpay.gateway':
      return { out_trade_no, total_amount: amountFen, channel_type: '07', subject: '咖啡', body: '一杯咖啡', client_ip: '192.168.1.9', pay_type: 3, bank_code: '01020000', notify_url: notifyUrl, success_url: 'https://shop.example/ok' };
    case 'unionpay.wap':
      return { out_trade_no, total_amount: amountFen, channel_type: '08', subject: '咖啡', body: '一杯咖啡', client_ip: '192.168.1.9', card_no: '6222021234567890123', notify_url: notifyUrl, success_url: 'https://shop.example/ok' };
    default:
      throw new Error(`no pay params for ${method}`);
  }
}

export function scanParams(channel: 'weixin' | 'alipay', merchantNo: string, amountFen: number, suffix = '88', notifyUrl = 'http://127.0.0.1:9/notify'): { method: 'weixin.scan_qr_code_pay' | 'alipay.scan_qr_code_pay'; params: Record<string, unknown> } {
  const out_trade_no = no(`S${channel}`);
  if (channel === 'weixin') {
    const params: MethodParams<'weixin.scan_qr_code_pay'> = { merchant_no: merchantNo, out_trade_no, order_name: '咖啡', total_amount: amountFen, sub_appid: 'wx0000000000000001', auth_code: WX_CODE(suffix), spbill_create_ip: '192.168.1.9' };
    return { method: 'weixin.scan_qr_code_pay', params };
  }
  const params: MethodParams<'alipay.scan_qr_code_pay'> = { merchant_no: merchantNo, out_trade_no, order_name: '咖啡', total_amount: amountFen, auth_code: ALI_CODE(suffix), scene: 'bar_code', notify_url: notifyUrl };
  return { method: 'alipay.scan_qr_code_pay', params };
}

export const ACCOUNT = { bakn_account_no: '6222020202020202', bank_account_name: '张三', bank_mobile: '13800138000', account_attr: 0, remark: '提现' };

export const LINK_METHODS: MethodName[] = [
  'weixin.pay', 'weixin.mppay', 'weixin.qr_code_pay', 'weixin.h5_pay', 'alipay.qr_code_pay', 'alipay.ration_code', 'alipay.wap_pay',
  'alipay.h5_pay', 'jd.pay', 'qq.unified', 'unionpay.gateway', 'unionpay.wap',
];

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until check() is truthy or the limit passes. */
export async function until<T>(check: () => T | Promise<T>, limitMs = 15_000, stepMs = 10): Promise<Exclude<T, null | undefined | false>> {
  const end = Date.now() + limitMs;
  for (;;) {
    const v = await check();
    if (v) return v as Exclude<T, null | undefined | false>;
    if (Date.now() > end) throw new Error(`condition not met within ${limitMs} ms`);
    await sleep(stepMs);
  }
}
