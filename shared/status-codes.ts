// The gateway's status codes (gateway-api.zh.txt §3.4) with the document's Chinese text and our
// English. `indeterminate` marks codes that say nothing about whether money moved: a payment
// answered with such a code is UNKNOWN (query it), never failed (design.md, payment rules).

export type StatusArea = 'ok' | 'system' | 'access' | 'merchant' | 'order' | 'refund' | 'unionpay' | 'withdraw';

export interface StatusCodeInfo {
  code: number;
  zh: string;
  en: string;
  area: StatusArea;
  /** True when the answer leaves the outcome of a payment open (system error). */
  indeterminate: boolean;
}

export const STATUS = {
  OK: 0,
  SYSTEM_ERROR: 1000,
  INVALID_APP_ID: 10001,
  INVALID_SIGN: 10002,
  INVALID_MERCHANT: 10003,
  INVALID_WX_APPID: 10005,
  CHANNEL_CLOSED: 10006,
  IP_NOT_ALLOWED: 10007,
  INVALID_PARAM: 10008,
  INVALID_SUB_MCH: 10009,
  SUB_MCH_UNREVIEWED: 10010,
  PAY_MERCHANT_UNAVAILABLE: 10011,
  MERCHANT_TRADING_CLOSED: 10012,
  ORDER_EXISTS: 12001,
  ORDER_NOT_FOUND: 12002,
  REFUND_NO_EXISTS: 12003,
  REFUND_NOT_FOUND: 12004,
  METHOD_FORBIDDEN: 13001,
  ORDER_NOT_PAID: 14001,
  REFUND_NOT_ALLOWED_NOW: 14500,
  UNIONPAY_NOT_CONFIGURED: 15001,
  UNIONPAY_PRODUCT_NOT_FOUND: 15002,
  WITHDRAW_RUNNING: 15501,
  WITHDRAW_CONFIG_INVALID: 15502,
  WITHDRAW_BALANCE_LOW: 15503,
} as const;
export type StatusCode = (typeof STATUS)[keyof typeof STATUS];

export const STATUS_CODES: readonly StatusCodeInfo[] = [
  { code: 0, zh: '成功', en: 'success', area: 'ok', indeterminate: false },
  { code: 1000, zh: '系统错误', en: 'system error', area: 'system', indeterminate: true },
  { code: 10001, zh: '无效的APPID', en: 'invalid app_id', area: 'access', indeterminate: false },
  { code: 10002, zh: '无效的签名', en: 'invalid signature', area: 'access', indeterminate: false },
  { code: 10003, zh: '无效的商户号', en: 'invalid merchant number', area: 'merchant', indeterminate: false },
  { code: 10005, zh: '无效的微信公众号APPID', en: 'invalid WeChat official account appid', area: 'merchant', indeterminate: false },
  { code: 10006, zh: '交易通道已关闭', en: 'payment channel closed', area: 'merchant', indeterminate: false },
  { code: 10007, zh: '调用IP未授权', en: 'calling IP not authorised', area: 'access', indeterminate: false },
  { code: 10008, zh: '无效的参数', en: 'invalid parameter', area: 'access', indeterminate: false },
  { code: 10009, zh: '无效的子商户号', en: 'invalid sub-merchant number', area: 'merchant', indeterminate: false },
  { code: 10010, zh: '子商户号未审核', en: 'sub-merchant not yet reviewed', area: 'merchant', indeterminate: false },
  { code: 10011, zh: '支付商户不存在或不可用', en: 'paying merchant missing or unavailable', area: 'merchant', indeterminate: false },
  { code: 10012, zh: '此商户交易已关闭', en: 'trading closed for this merchant', area: 'merchant', indeterminate: false },
  { code: 12001, zh: '订单号已存在', en: 'order number already exists', area: 'order', indeterminate: false },
  { code: 12002, zh: '未找到订单信息', en: 'order not found', area: 'order', indeterminate: false },
  { code: 12003, zh: '退款单号已存在', en: 'refund number already exists', area: 'refund', indeterminate: false },
  { code: 12004, zh: '未找到退款信息', en: 'refund not found', area: 'refund', indeterminate: false },
  { code: 13001, zh: '无权限访问该方法', en: 'no permission for this method', area: 'access', indeterminate: false },
  { code: 14001, zh: '订单还未支付', en: 'order not paid yet', area: 'refund', indeterminate: false },
  { code: 14500, zh: '当前时间段不允许退款', en: 'refunds not allowed at this time', area: 'refund', indeterminate: false },
  { code: 15001, zh: '银联渠道未配置', en: 'UnionPay channel not configured', area: 'unionpay', indeterminate: false },
  { code: 15002, zh: '银联产品ID未找到', en: 'UnionPay product id not found', area: 'unionpay', indeterminate: false },
  { code: 15501, zh: '当前商户正在提现', en: 'a withdrawal is already running for this merchant', area: 'withdraw', indeterminate: false },
  { code: 15502, zh: '提现配置不正确', en: 'withdrawal configuration invalid', area: 'withdraw', indeterminate: false },
  { code: 15503, zh: '可提现余额不足', en: 'insufficient withdrawable balance', area: 'withdraw', indeterminate: false },
];

const BY_CODE = new Map(STATUS_CODES.map((s) => [s.code, s]));

export function statusInfo(code: number): StatusCodeInfo | null {
  return BY_CODE.get(code) ?? null;
}

/** The table's message for a code, or a plain "unknown status code N". */
export function statusMessage(code: number, lang: 'zh' | 'en' = 'zh'): string {
  const info = BY_CODE.get(code);
  if (!info) return lang === 'zh' ? `未知状态码 ${code}` : `unknown status code ${code}`;
  return info[lang];
}

/** True for codes (or unknown codes) after which a payment's outcome is still open. */
export function isIndeterminateCode(code: number): boolean {
  return BY_CODE.get(code)?.indeterminate ?? true;
}
