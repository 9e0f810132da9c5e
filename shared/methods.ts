// The ONE declarative table of the gateway's 25 methods (gateway-api.zh.txt §2.1–2.25), with the
// runtime validation both sides use: the client validates before sending, the sandbox validates
// what it receives (answering 10008 with the same message).
//
// - Parameters and results use the wire field names; every money field is integer FEN inside the
//   app and yuan only on the wire (toWireParams / fromWireParams / toWireResult / fromWireResult).
// - `trade.query` and `trade.refund` each have a UnionPay variant (§2.19, §2.21) modelled as a
//   variant of the one method entry; 23 method names + 2 variants = the document's 25 entries.
// - Presence: 'required' (是), 'optional' (否/可选), 'special' (特殊必填: required under a
//   condition). Where the document states the condition, `requiredWhen` enforces it; where it
//   only says "ask the integrator", the condition is recorded in words and not enforced locally.
// - Result presence is what the client insists on before it trusts an answer (the fields a
//   caller acts on); the document's other "是" result fields are optional here because a gateway
//   omits them in states where they have no value (e.g. no openid while USERPAYING).
// - Deviations from the printed document are marked `note` on the field.
import { MAX_AMOUNT_FEN, MIN_AMOUNT_FEN, fenToWireYuan, formatYuan, isFen, wireYuanToFen, type Fen } from './money.js';
import { checkAuthCode, type ScanChannel } from './paycode.js';
import { QR_METHODS, type AttemptState, type PayChannel } from './payment.js';
import { attemptStateOf, refundStateOf, withdrawStateOf, type RefundOutcome, type WithdrawState } from './trade-state.js';
import { formatWireTime, normaliseWireTime, type LocalIso, type WireTimeFormat } from './wire-time.js';

// ---------------------------------------------------------------- limits and rules
/** Longest URL we send or accept in a url field. */
export const MAX_URL_CHARS = 1024;
/** Longest free-text field without a documented limit (body, remark, sceneInfo…). */
export const MAX_FREE_TEXT_CHARS = 2048;

export const OUT_NO_PATTERN = /^[A-Za-z0-9_]{1,64}$/;
export const OUT_NO_RULE = 'must be 1–64 of [A-Za-z0-9_]';
export const AMOUNT_RULE = 'must be 0.01–100000000 with at most two decimals';
const RESULT_AMOUNT_RULE = 'must be a non-negative amount in yuan with at most two decimals';
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const IPV6 = /^(?=.*:)[0-9A-Fa-f:.]{2,45}$/;
const URL_RE = /^https?:\/\/[^\s/?#]+([/?#][^\s]*)?$/;

/** 银行编码 of unionpay.gateway (§2.13 备注 1.1). */
export const UNIONPAY_BANK_CODES = [
  '01020000', '01050000', '01030000', '03080000', '03010000', '01040000', '03030000', '03050000', '03090000',
  '03020000', '03060000', '03100000', '03070000', '03040000', '04083320', '03200000', '04012900', '01000000',
  '04243010', '65012900', '03170000', '64296510', '04031000', '64296511', '04341101',
] as const;

// ---------------------------------------------------------------- field specs
export type FieldKind = 'string' | 'money' | 'int' | 'ip' | 'url' | 'json' | 'time' | 'authCode';
export type Presence = 'required' | 'optional' | 'special';
type Params = Readonly<Record<string, unknown>>;

export interface FieldOpts {
  maxLength?: number;
  pattern?: RegExp;
  /** The rule `pattern` expresses, as the error message gives it. */
  rule?: string;
  oneOf?: readonly (string | number)[];
  /** money: smallest allowed fen (default 1 for parameters, 0 for results). */
  minFen?: Fen;
  /** time: the format this field is written in on the wire (any of the three is read). */
  timeFormat?: WireTimeFormat;
  /** money: the document types the field `String`, so it travels as "12.34". */
  moneyAsString?: boolean;
  /** special: the condition in the document's words. */
  condition?: string;
  /** special: the condition as code when the document states it; otherwise not enforced. */
  requiredWhen?: (params: Params) => boolean;
  /** Where this field deviates from the printed document, and why. */
  note?: string;
}

export interface FieldSpec<N extends string = string, K extends FieldKind = FieldKind, P extends Presence = Presence> extends FieldOpts {
  readonly name: N;
  readonly kind: K;
  readonly presence: P;
  /** The document's description, shortened. */
  readonly zh: string;
}

function req<N extends string, K extends FieldKind>(name: N, kind: K, zh: string, opts: FieldOpts = {}): FieldSpec<N, K, 'required'> {
  return { name, kind, presence: 'required', zh, ...opts };
}
function opt<N extends string, K extends FieldKind>(name: N, kind: K, zh: string, opts: FieldOpts = {}): FieldSpec<N, K, 'optional'> {
  return { name, kind, presence: 'optional', zh, ...opts };
}
function special<N extends string, K extends FieldKind>(name: N, kind: K, zh: string, condition: string, opts: FieldOpts = {}): FieldSpec<N, K, 'special'> {
  return { name, kind, presence: 'special', zh, condition, ...opts };
}

// Shared parameter fields.
const merchantNo = (maxLength = 20) => req('merchant_no', 'string', '商户号', { maxLength });
const outTradeNo = () => req('out_trade_no', 'string', '商户订单号', { pattern: OUT_NO_PATTERN, rule: OUT_NO_RULE });
const orderName = () => req('order_name', 'string', '商品描述', { maxLength: 64 });
const totalAmount = () => req('total_amount', 'money', '总金额(元)');
const notifyUrl = () => req('notify_url', 'url', '回调地址');
const spbillIp = () => req('spbill_create_ip', 'ip', '用户端ip', { maxLength: 16 });
const bodySpecial = () => special('body', 'string', '订单描述', '特殊必填: 询问对接人员 (not enforced)', { maxLength: MAX_FREE_TEXT_CHARS });
const isOnline = () => special('is_online', 'int', '1=线上支付;0=线下支付', '特殊必填: 询问对接人员 (not enforced)', { oneOf: [0, 1] });
const whenCorporate = (p: Params): boolean => p['account_attr'] === 1;
const withdrawAccount = () =>
  [
    req('amount', 'money', '提现金额(元)'),
    req('bakn_account_no', 'string', '银行卡号', { pattern: /^\d{8,32}$/, rule: 'must be 8–32 digits', note: 'the document spells it bakn_; the wire name is kept' }),
    req('bank_account_name', 'string', '银行账户名称', { maxLength: 64 }),
    req('bank_mobile', 'string', '银行预留手机号码', { pattern: /^1\d{10}$/, rule: 'must be an 11-digit mobile number' }),
  ] as const;
const accountAttr = () => req('account_attr', 'int', '账户类型:1=对公;0=对私', { oneOf: [1, 0] });
const corporateBank = () =>
  [
    special('bank_code', 'string', '收款人账户联行号', 'required when account_attr=1', { requiredWhen: whenCorporate, maxLength: 32 }),
    special('bank_name', 'string', '收款账户开户行名称', 'required when account_attr=1', { requiredWhen: whenCorporate, maxLength: 64 }),
  ] as const;
const remark = () => req('remark', 'string', '备注', { maxLength: 64 });

// Shared result fields.
const rOutTradeNo = () => req('out_trade_no', 'string', '商户订单号', { maxLength: 64 });
const rTotal = () => req('total_amount', 'money', '总金额(元)');
const rTradeNo = () => opt('trade_no', 'string', '平台订单号', { maxLength: 64 });
const rPayUrl = () => req('pay_url', 'url', '支付链接');
const rWithdrawQuery = () =>
  [
    rOutTradeNo(),
    opt('trade_no', 'string', '平台订单号', { maxLength: 64 }),
    req('amount', 'money', '提现金额'),
    opt('fee', 'money', '手续费'),
    req('trade_status', 'int', '状态:0处理中,1已支付,2支付失败'),
    opt('bank_account_no', 'string', '银行账户号'),
    opt('bank_account_name', 'string', '银行账户名'),
    opt('bank_mobile', 'string', '银行预留手机'),
    opt('remark', 'string', '备注'),
    opt('bank_code', 'string', '联行号(对公)'),
    opt('bank_name', 'string', '开户行名称(对公)'),
  ] as const;

// ---------------------------------------------------------------- method specs
export type MethodKind = 'link' | 'qr' | 'jsapi' | 'scan' | 'query' | 'refund' | 'reverse' | 'withdraw' | 'withdraw_query' | 'balance';
/** Fields the client derives from a result: `state` (trade), `withdraw_state`, `refund_state`. */
export type Derived = 'trade' | 'trade-optional' | 'withdraw' | 'refund' | 'none';
export type VariantId = 'default' | 'unionpay';

export interface VariantSpec<Ps extends readonly FieldSpec[] = readonly FieldSpec[], Rs extends readonly FieldSpec[] = readonly FieldSpec[]> {
  readonly id: VariantId;
  /** Section of gateway-api.zh.txt. */
  readonly section: string;
  readonly titleZh: string;
  readonly params: Ps;
  readonly result: Rs;
}

export interface MethodSpec {
  readonly name: string;
  readonly channel: Exclude<PayChannel, 'cash'> | null;
  readonly kind: MethodKind;
  readonly movesMoney: boolean;
  /** Gives the customer a QR code or link (matches QR_METHODS in shared/payment.ts). */
  readonly qrCapable: boolean;
  readonly derived: Derived;
  /** Payment methods that create an order answered later by a callback. */
  readonly createsOrder: boolean;
  /** With two variants: which one a parameter set belongs to (documented per method). */
  readonly variantOf?: (params: Params) => VariantId;
  readonly variants: readonly VariantSpec[];
}

function method<const M extends MethodSpec>(m: M): M {
  return m;
}
const qr = (name: string): boolean => (QR_METHODS as readonly string[]).includes(name);
function payMethod<const N extends string, const K extends MethodKind, const Ps extends readonly FieldSpec[], const Rs extends readonly FieldSpec[]>(
  name: N,
  kind: K,
  section: string,
  titleZh: string,
  params: Ps,
  result: Rs,
) {
  return method({
    name,
    channel: name.split('.')[0] as Exclude<PayChannel, 'cash'>,
    kind,
    movesMoney: true,
    qrCapable: qr(name),
    derived: kind === 'scan' ? ('trade' as const) : ('none' as const),
    createsOrder: true,
    variants: [{ id: 'default', section, titleZh, params, result }] as const,
  });
}

export const METHODS = {
  'weixin.pay': payMethod('weixin.pay', 'link', '2.1', '微信支付',
    [merchantNo(), outTradeNo(),
      special('pay_uid', 'string', '支付者识别号', '特殊情况需要传递 (not enforced)', { maxLength: 32 }),
      orderName(), totalAmount(), opt('ip', 'ip', '支付客户IP'), notifyUrl(), opt('return_url', 'url', '同步跳转地址')] as const,
    [rOutTradeNo(), rTotal(), rPayUrl()] as const),

  'weixin.mppay': payMethod('weixin.mppay', 'jsapi', '2.2', '微信公众号支付',
    [merchantNo(), outTradeNo(), orderName(), totalAmount(),
      opt('tran_type', 'int', '1线下交易,2线上交易,默认1', { oneOf: [1, 2] }),
      special('sub_appid', 'string', '微信公众号app_id', '特殊必填: 询问对接人员 (not enforced)', { maxLength: 32 }),
      special('sub_mch_id', 'string', '微信子商户号', 'required when tran_type=2 (线上交易必填)', { maxLength: 16, requiredWhen: (p) => p['tran_type'] === 2 }),
      special('sub_openid', 'string', '用户在子商户appid下的唯一标识', '特殊必填: 询问对接人员 (not enforced)', { maxLength: 128 }),
      spbillIp(), bodySpecial(), isOnline(), notifyUrl(),
      opt('success_url', 'url', '支付成功跳转页面'), opt('cancel_url', 'url', '支付失败跳转页面')] as const,
    [rOutTradeNo(), rTotal(), opt('pay_url', 'url', '支付跳转链接'), opt('pay_info', 'json', 'JSAPI支付参数')] as const),

  'weixin.qr_code_pay': payMethod('weixin.qr_code_pay', 'qr', '2.3', '微信二维码支付',
    [merchantNo(), outTradeNo(), orderName(), totalAmount(),
      req('sub_appid', 'string', '公众号appid', { maxLength: 32 }), spbillIp(), bodySpecial(),
      req('goods_id', 'string', '商品ID', { maxLength: 32, note: 'marked 特殊必填 but described "此参数必传": required' }),
      isOnline(), notifyUrl()] as const,
    [rOutTradeNo(), rTotal(), req('qr_code', 'string', '支付二维码内容', { maxLength: 255 })] as const),

  'weixin.scan_qr_code_pay': payMethod('weixin.scan_qr_code_pay', 'scan', '2.4', '微信刷卡支付',
    [merchantNo(), outTradeNo(), orderName(), bodySpecial(), totalAmount(),
      req('sub_appid', 'string', '公众号appid', { maxLength: 32 }), req('auth_code', 'authCode', '微信的支付码'), spbillIp()] as const,
    [rOutTradeNo(), rTradeNo(), rTotal(),
      req('trade_status', 'string', '交易状态', { note: 'not in §2.4; wire.md: scan-pay answers carry trade_status' }),
      opt('bank_type', 'string', '银行类型', { maxLength: 16 }), opt('cash_fee', 'money', '现金支付金额'),
      opt('fee_type', 'string', '货币类型'), opt('is_subscribe', 'string', '是否关注公众账号'), opt('openid', 'string', '用户标识', { maxLength: 128 }),
      opt('pay_time', 'time', '支付完成时间', { timeFormat: 'yyyyMMddHHmmss' }), opt('trade_type', 'string', 'JSAPI、NATIVE、APP')] as const),

  'weixin.h5_pay': payMethod('weixin.h5_pay', 'link', '2.5', '微信H5支付',
    [merchantNo(), outTradeNo(), orderName(), req('goods_tag', 'string', '商品标记', { maxLength: 32 }), totalAmount(),
      req('sub_mch_id', 'string', '子商户号', { maxLength: 32 }), spbillIp(),
      req('sceneInfo', 'string', '场景信息(微信H5支付官方文档)', { maxLength: MAX_FREE_TEXT_CHARS }), notifyUrl()] as const,
    [rOutTradeNo(), rTotal(), opt('pay_url', 'url', '支付跳转链接')] as const),

  'alipay.qr_code_pay': payMethod('alipay.qr_code_pay', 'qr', '2.6', '支付宝二维码支付',
    [merchantNo(), outTradeNo(), orderName(), totalAmount(),
      req('goods_id', 'string', '商品ID', { maxLength: 32, note: 'marked 特殊必填 but described "此参数必传": required' }),
      special('client_ip', 'ip', '用户端ip', '特殊必填: 询问对接人员 (not enforced)'), notifyUrl()] as const,
    [rOutTradeNo(), rTotal(), req('qr_code', 'string', '支付二维码内容', { maxLength: 255 })] as const),

  'alipay.scan_qr_code_pay': payMethod('alipay.scan_qr_code_pay', 'scan', '2.7', '支付宝刷卡支付',
    [merchantNo(), outTradeNo(), orderName(), bodySpecial(), totalAmount(), req('auth_code', 'authCode', '支付宝支付码'),
      req('scene', 'string', '支付场景', { oneOf: ['bar_code', 'wave_code'] }),
      special('client_ip', 'ip', '支付客户ip', '特殊必填: 询问对接人员 (not enforced)'), notifyUrl()] as const,
    [rOutTradeNo(), rTotal(), rTradeNo(),
      req('trade_status', 'string', '交易状态', { note: 'not in §2.7; wire.md: scan-pay answers carry trade_status' }),
      opt('pay_time', 'time', '支付时间', { timeFormat: 'yyyy-MM-dd HH:mm:ss', note: 'not in §2.7' }),
      opt('buyer_logon_id', 'string', '买家支付宝账号', { maxLength: 100, note: 'not in §2.7' })] as const),

  'alipay.ration_code': payMethod('alipay.ration_code', 'link', '2.8', '支付宝个人码',
    [opt('merchant_no', 'string', '商户号', { maxLength: 20 }), outTradeNo(), totalAmount(), notifyUrl()] as const,
    [rOutTradeNo(), rTotal(), req('pay_url', 'url', '支付地址', { maxLength: 255 })] as const),

  'alipay.wap_pay': payMethod('alipay.wap_pay', 'link', '2.9', '支付宝wap支付',
    [merchantNo(), outTradeNo(), orderName(), req('body', 'string', '订单描述', { maxLength: MAX_FREE_TEXT_CHARS }), totalAmount(), notifyUrl(),
      opt('return_url', 'url', '支付后跳转', { note: '特殊可选: optional' }), opt('success_url', 'url', '同步跳转地址')] as const,
    [rOutTradeNo(), rTotal(), rPayUrl()] as const),

  'alipay.h5_pay': payMethod('alipay.h5_pay', 'link', '2.10', '支付宝H5',
    [merchantNo(), outTradeNo(), orderName(), totalAmount(),
      special('user_id', 'string', '支付宝user_id', '特殊必填: 询问对接人员 (not enforced)', { maxLength: 32 }),
      opt('ip', 'ip', '支付客户IP'), notifyUrl(), opt('return_url', 'url', '同步跳转地址')] as const,
    [rOutTradeNo(), rTotal(), opt('pay_url', 'url', 'wap支付链接'), opt('tradeNo', 'string', '支付宝JSAPI tradeNo')] as const),

  'jd.pay': payMethod('jd.pay', 'qr', '2.11', '京东支付',
    [merchantNo(), outTradeNo(), orderName(), req('order_type', 'int', '订单类型 0实物 1虚拟', { oneOf: [0, 1] }), totalAmount(), notifyUrl()] as const,
    [rOutTradeNo(), rTotal(), req('qr_code', 'string', '支付二维码(2小时有效)', { maxLength: 255 })] as const),

  'qq.unified': payMethod('qq.unified', 'qr', '2.12', 'QQ钱包支付',
    [outTradeNo(), orderName(), req('spbill_create_ip', 'ip', '用户端ip'), totalAmount(), notifyUrl()] as const,
    [rOutTradeNo(), rTotal(), req('code_url', 'url', '二维码链接')] as const),

  'unionpay.gateway': payMethod('unionpay.gateway', 'link', '2.13', '银联网关支付',
    [outTradeNo(), totalAmount(), req('channel_type', 'string', '渠道类型 07互联网 08移动端', { oneOf: ['07', '08'] }),
      req('subject', 'string', '订单标题', { maxLength: 128 }), req('body', 'string', '订单描述', { maxLength: MAX_FREE_TEXT_CHARS }),
      req('client_ip', 'ip', '客户端ip'), req('pay_type', 'int', '1借记卡 2贷记卡 3混合', { oneOf: [1, 2, 3] }),
      req('bank_code', 'string', '银行编码', { oneOf: UNIONPAY_BANK_CODES }), notifyUrl(), req('success_url', 'url', '同步跳转地址')] as const,
    [rOutTradeNo(), rTotal(), rPayUrl()] as const),

  'unionpay.wap': payMethod('unionpay.wap', 'link', '2.14', '银联WAP',
    [outTradeNo(), totalAmount(), req('channel_type', 'string', '渠道类型 07互联网 08移动端', { oneOf: ['07', '08'] }),
      req('subject', 'string', '订单标题', { maxLength: 128 }), req('body', 'string', '订单描述', { maxLength: MAX_FREE_TEXT_CHARS }),
      req('client_ip', 'ip', '客户端ip'),
      req('card_no', 'string', '银行卡号', { pattern: /^\d{12,19}$/, rule: 'must be 12–19 digits', note: 'typed int in the document; a card number exceeds a safe JSON number, so it travels as a string' }),
      notifyUrl(), req('success_url', 'url', '同步跳转地址')] as const,
    [rOutTradeNo(), rTotal(), rPayUrl()] as const),

  'unionpay.withdraw': method({
    name: 'unionpay.withdraw', channel: 'unionpay', kind: 'withdraw', movesMoney: true, qrCapable: false, derived: 'none', createsOrder: false,
    variants: [{ id: 'default', section: '2.15', titleZh: '银联提现',
      params: [outTradeNo(), ...withdrawAccount(), accountAttr(), ...corporateBank(), remark()] as const,
      result: [rOutTradeNo(), req('total_amount', 'money', '提现金额')] as const }] as const,
  }),

  'unionpay.withdraw_query': method({
    name: 'unionpay.withdraw_query', channel: 'unionpay', kind: 'withdraw_query', movesMoney: false, qrCapable: false, derived: 'withdraw', createsOrder: false,
    variants: [{ id: 'default', section: '2.16', titleZh: '银联提现查询', params: [outTradeNo()] as const, result: rWithdrawQuery() }] as const,
  }),

  'unionpay.withdraw_balance_query': method({
    name: 'unionpay.withdraw_balance_query', channel: 'unionpay', kind: 'balance', movesMoney: false, qrCapable: false, derived: 'none', createsOrder: false,
    variants: [{ id: 'default', section: '2.17', titleZh: '银联提现余额查询', params: [] as const,
      result: [req('withdraw_balance', 'money', '总余额(冻结+可用)', { minFen: 0, moneyAsString: true }),
        req('freeze_balance', 'money', '冻结余额', { minFen: 0, moneyAsString: true }),
        req('normal_balance', 'money', '可用余额', { minFen: 0, moneyAsString: true })] as const }] as const,
  }),

  'trade.query': method({
    name: 'trade.query', channel: null, kind: 'query', movesMoney: false, qrCapable: false, derived: 'trade', createsOrder: false,
    /** Without merchant_no the parameters are §2.19's ([银联]); with it, §2.18's. */
    variantOf: (p: Params) => (p['merchant_no'] === undefined || p['merchant_no'] === null || p['merchant_no'] === '' ? 'unionpay' : 'default'),
    variants: [
      { id: 'default', section: '2.18', titleZh: '订单查询',
        params: [merchantNo(64), outTradeNo()] as const,
        result: [rOutTradeNo(), rTradeNo(), opt('net_receipt_amount', 'money', '净收入'), rTotal(),
          req('trade_status', 'string', '订单状态'), opt('pay_time', 'time', '支付时间', { timeFormat: 'yyyy-MM-dd HH:mm:ss' }),
          // WeChat (and QQ) orders
          opt('bank_type', 'string', '付款银行'), opt('cash_fee', 'money', '现金支付金额'), opt('openid', 'string', '用户标识'),
          opt('is_subscribe', 'string', '是否关注公众账号'), opt('trade_state_desc', 'string', '交易状态描述'),
          // Alipay orders
          opt('buyer_logon_id', 'string', '买家支付宝账号'), opt('receipt_amount', 'money', '实收金额', { moneyAsString: true }),
          opt('fund_bill_list', 'string', '资金明细(JSON文本)'), opt('buyer_user_id', 'string', '买家支付宝用户id'),
          // JD orders
          opt('open_id', 'string', '京东token'), opt('user', 'string', '用户手机或email'), opt('desc', 'string', '结果描述'),
          opt('promotion_amount', 'money', '营销金额')] as const },
      { id: 'unionpay', section: '2.19', titleZh: '订单查询[银联]',
        params: [outTradeNo()] as const,
        result: [rOutTradeNo(), rTradeNo(), rTotal(), opt('net_receipt_amount', 'money', '收入'),
          req('trade_status', 'string', '00成功 01处理中 02失败 03已撤销 04已退货 05退款处理中'),
          opt('pay_time', 'time', '支付时间 yymmddHHiiss', { timeFormat: 'yyMMddHHmmss' })] as const },
    ] as const,
  }),

  'trade.refund': method({
    name: 'trade.refund', channel: null, kind: 'refund', movesMoney: true, qrCapable: false, derived: 'refund', createsOrder: false,
    /** With refund_reason the parameters are §2.21's ([银联], whole amount); otherwise §2.20's. */
    variantOf: (p: Params) => (typeof p['refund_reason'] === 'string' && p['refund_reason'] !== '' ? 'unionpay' : 'default'),
    variants: [
      { id: 'default', section: '2.20', titleZh: '订单退款',
        params: [outTradeNo(), req('out_refund_no', 'string', '商户退款单号', { pattern: OUT_NO_PATTERN, rule: OUT_NO_RULE }),
          opt('refund_fee', 'money', '退款金额,不填为全额退款')] as const,
        result: [rOutTradeNo(), rTradeNo(), opt('net_receipt_amount', 'money', '净收入'), rTotal(),
          req('refund_status', 'string', 'REFUND_SUCCESS / REFUND_PROCESSING / REFUND_FAILER'),
          opt('out_refund_no', 'string', '商户退款单号', { note: 'not in §2.20; sent by the sandbox' }),
          opt('refund_fee', 'money', '本次退款金额', { note: 'not in §2.20; sent by the sandbox (tells the amount of a whole-amount refund)' })] as const },
      { id: 'unionpay', section: '2.21', titleZh: '订单退款[银联]',
        params: [outTradeNo(), req('out_refund_no', 'string', '商户退款单号', { pattern: OUT_NO_PATTERN, rule: OUT_NO_RULE }),
          req('refund_reason', 'string', '退款备注', { maxLength: 64 })] as const,
        result: [rOutTradeNo(), rTradeNo(), rTotal(),
          opt('refund_status', 'string', '退款状态', { note: 'not in §2.21; sent by the sandbox' }),
          opt('out_refund_no', 'string', '商户退款单号', { note: 'not in §2.21; sent by the sandbox' }),
          opt('refund_fee', 'money', '本次退款金额', { note: 'not in §2.21; sent by the sandbox' })] as const },
    ] as const,
  }),

  'trade.reverse': method({
    name: 'trade.reverse', channel: null, kind: 'reverse', movesMoney: true, qrCapable: false, derived: 'trade-optional', createsOrder: false,
    variants: [{ id: 'default', section: '2.22', titleZh: '订单撤销[支付宝|微信]',
      params: [outTradeNo(), req('trade_no', 'string', '平台订单号', { maxLength: 64 })] as const,
      result: [rOutTradeNo(), rTradeNo(),
        opt('trade_status', 'string', '撤销后的交易状态', { note: 'not in §2.22; sent by the sandbox' }),
        opt('pay_time', 'time', '支付时间(曾支付时)', { timeFormat: 'yyyy-MM-dd HH:mm:ss', note: 'not in §2.22; sent by the sandbox' })] as const }] as const,
  }),

  'merchant.withdraw': method({
    name: 'merchant.withdraw', channel: null, kind: 'withdraw', movesMoney: true, qrCapable: false, derived: 'none', createsOrder: false,
    variants: [{ id: 'default', section: '2.23', titleZh: '余额提现',
      params: [merchantNo(32), outTradeNo(), ...withdrawAccount(),
        special('id_card_no', 'string', '身份证号码', '特殊必填: 询问对接人员 (not enforced)', { pattern: /^(\d{15}|\d{17}[\dXx])$/, rule: 'must be a 15- or 18-character ID card number' }),
        accountAttr(), ...corporateBank(),
        special('province', 'string', '省', '特殊必填: 询问对接人员 (not enforced)', { maxLength: 32 }),
        special('city', 'string', '市', '特殊必填: 询问对接人员 (not enforced)', { maxLength: 32 }),
        remark()] as const,
      result: [rOutTradeNo(), req('total_amount', 'money', '提现金额')] as const }] as const,
  }),

  'merchant.withdraw_query': method({
    name: 'merchant.withdraw_query', channel: null, kind: 'withdraw_query', movesMoney: false, qrCapable: false, derived: 'withdraw', createsOrder: false,
    variants: [{ id: 'default', section: '2.24', titleZh: '余额提现查询', params: [merchantNo(64), outTradeNo()] as const, result: rWithdrawQuery() }] as const,
  }),

  'merchant.balance': method({
    name: 'merchant.balance', channel: null, kind: 'balance', movesMoney: false, qrCapable: false, derived: 'none', createsOrder: false,
    variants: [{ id: 'default', section: '2.25', titleZh: '商户余额', params: [merchantNo(32)] as const,
      result: [req('balance', 'money', '当前余额(可提现)', { minFen: 0 }), req('freeze', 'money', '冻结', { minFen: 0 }),
        req('unliquidated', 'money', '待清算', { minFen: 0 })] as const }] as const,
  }),
} as const;

export type Methods = typeof METHODS;
export type MethodName = keyof Methods;
export const METHOD_NAMES = Object.keys(METHODS) as MethodName[];

export function isMethodName(name: unknown): name is MethodName {
  return typeof name === 'string' && Object.hasOwn(METHODS, name);
}

export function methodSpec(name: MethodName): MethodSpec {
  return METHODS[name] as MethodSpec;
}

// ---------------------------------------------------------------- types from the table
type Simplify<T> = { [K in keyof T]: T[K] } & {};
type ParamType<K> = K extends 'money' ? Fen : K extends 'int' ? number : K extends 'json' ? Record<string, unknown> : string;
type ResultType<K> = K extends 'money' ? Fen : K extends 'int' ? number : K extends 'json' ? Record<string, unknown> : K extends 'time' ? LocalIso | null : string;
type RequiredNames<F> = F extends FieldSpec<infer N, FieldKind, 'required'> ? N : never;
type FieldsParams<F extends FieldSpec> = Simplify<
  { [N in RequiredNames<F>]: ParamType<Extract<F, { name: N }>['kind']> } & {
    [N in Exclude<F['name'], RequiredNames<F>>]?: ParamType<Extract<F, { name: N }>['kind']>;
  }
>;
type FieldsResult<F extends FieldSpec> = Simplify<
  { [N in RequiredNames<F>]: ResultType<Extract<F, { name: N }>['kind']> } & {
    [N in Exclude<F['name'], RequiredNames<F>>]?: ResultType<Extract<F, { name: N }>['kind']>;
  }
>;
type VariantsOf<M extends MethodName> = Methods[M]['variants'][number];
type DerivedFields<D> = D extends 'trade'
  ? { state: AttemptState }
  : D extends 'trade-optional'
    ? { state: AttemptState | null }
    : D extends 'withdraw'
      ? { withdraw_state: WithdrawState }
      : D extends 'refund'
        ? { refund_state: RefundOutcome }
        : unknown;

/** The parameters of a method (union over its variants), money in fen. */
export type MethodParams<M extends MethodName> = VariantsOf<M> extends infer V
  ? V extends { params: readonly (infer F extends FieldSpec)[] }
    ? FieldsParams<F>
    : never
  : never;

/** The result of a method (union over its variants), money in fen, times ISO local, plus derived fields. */
export type MethodResult<M extends MethodName> = VariantsOf<M> extends infer V
  ? V extends { result: readonly (infer F extends FieldSpec)[] }
    ? Simplify<FieldsResult<F> & DerivedFields<Methods[M]['derived']>>
    : never
  : never;

// ---------------------------------------------------------------- validation
export interface FieldIssue {
  /** The field's wire name ("" for the whole parameter object). */
  field: string;
  /** The rule it broke, e.g. "must be 1–64 of [A-Za-z0-9_]". */
  rule: string;
}
/** `field: rule` — the message the client returns and the sandbox answers with 10008. */
export function issueMessage(i: FieldIssue): string {
  return i.field === '' ? i.rule : `${i.field}: ${i.rule}`;
}
export function issuesMessage(issues: readonly FieldIssue[]): string {
  return issues.map(issueMessage).join('; ');
}

export type Validation = { ok: true; variant: VariantSpec } | { ok: false; variant: VariantSpec | null; issues: FieldIssue[] };

export function selectVariant(spec: MethodSpec, params: Params): VariantSpec {
  if (spec.variants.length === 1 || !spec.variantOf) return spec.variants[0]!;
  const id = spec.variantOf(params);
  return spec.variants.find((v) => v.id === id) ?? spec.variants[0]!;
}

const isEmpty = (v: unknown): boolean => v === undefined || v === null || v === '';
const codePoints = (s: string): number => {
  let n = 0;
  for (const _ of s) n++;
  return n;
};
function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
function oneOfRule(values: readonly (string | number)[]): string {
  return `must be one of ${values.map((v) => (typeof v === 'string' ? `"${v}"` : String(v))).join(', ')}`;
}

/** Checks one present value of a parameter field (app form: money in fen). Returns the broken rule or null. */
function checkParamValue(spec: MethodSpec, f: FieldSpec, v: unknown): string | null {
  switch (f.kind) {
    case 'money': {
      const min = f.minFen ?? MIN_AMOUNT_FEN;
      if (!isFen(v) || v < min || v > MAX_AMOUNT_FEN) return AMOUNT_RULE;
      return null;
    }
    case 'int':
      if (typeof v !== 'number' || !Number.isSafeInteger(v)) return f.oneOf ? oneOfRule(f.oneOf) : 'must be a whole number';
      if (f.oneOf && !f.oneOf.includes(v)) return oneOfRule(f.oneOf);
      return null;
    case 'json':
      return isPlainObject(v) ? null : 'must be a JSON object';
    case 'authCode': {
      const channel = spec.channel === 'weixin' || spec.channel === 'alipay' ? (spec.channel as ScanChannel) : undefined;
      const msg = checkAuthCode(v, channel);
      return msg === null ? null : msg.replace(/^auth_code: /, '');
    }
    default:
      break;
  }
  if (typeof v !== 'string') return 'must be a string';
  if (f.kind === 'ip') {
    if (!IPV4.test(v) && !IPV6.test(v)) return 'must be an IPv4 or IPv6 address';
  } else if (f.kind === 'url') {
    if (v.length > MAX_URL_CHARS || !URL_RE.test(v)) return `must be an http(s) URL of at most ${MAX_URL_CHARS} characters`;
  }
  if (f.pattern && !f.pattern.test(v)) return f.rule ?? `must match ${String(f.pattern)}`;
  if (f.oneOf && !f.oneOf.includes(v)) return oneOfRule(f.oneOf);
  const max = f.maxLength ?? (f.kind === 'string' ? MAX_FREE_TEXT_CHARS : undefined);
  if (max !== undefined && codePoints(v) > max) return `must be at most ${max} characters`;
  return null;
}

export interface ValidateOptions {
  /** 'refuse' (client: a key not in the table is most likely a typo) or 'ignore' (server, wire.md). */
  unknownKeys?: 'refuse' | 'ignore';
}

/**
 * Validates app-form parameters (money in fen) of a method. Issues come in table order, one per
 * field, each naming the field and the rule. Empty values ("", null, undefined) count as absent,
 * as they do in the signature.
 */
export function validateParams(name: string, params: unknown, opts: ValidateOptions = {}): Validation {
  if (!isMethodName(name)) return { ok: false, variant: null, issues: [{ field: 'method', rule: `unknown method "${name}"` }] };
  if (!isPlainObject(params)) return { ok: false, variant: null, issues: [{ field: '', rule: 'parameters must be an object' }] };
  const spec = methodSpec(name);
  const variant = selectVariant(spec, params);
  const issues: FieldIssue[] = [];
  for (const f of variant.params) {
    const v = params[f.name];
    if (isEmpty(v)) {
      if (f.presence === 'required') issues.push({ field: f.name, rule: 'is required' });
      else if (f.presence === 'special' && f.requiredWhen?.(params)) issues.push({ field: f.name, rule: `is ${f.condition ?? 'required'}` });
      continue;
    }
    const broken = checkParamValue(spec, f, v);
    if (broken) issues.push({ field: f.name, rule: broken });
  }
  if ((opts.unknownKeys ?? 'refuse') === 'refuse') {
    const known = paramNames(variant);
    for (const key of Object.keys(params)) {
      if (!known.has(key) && !isEmpty(params[key])) {
        issues.push({ field: key, rule: `not a parameter of ${name}${variant.id === 'unionpay' ? ' [银联]' : ''}` });
      }
    }
  }
  return issues.length === 0 ? { ok: true, variant } : { ok: false, variant, issues };
}

// ---------------------------------------------------------------- wire conversion
/** App params (fen) → the business parameters that go into `content` (yuan). Validate first. */
export function toWireParams(variant: VariantSpec, params: Params): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of variant.params) {
    const v = params[f.name];
    if (isEmpty(v)) continue;
    out[f.name] = f.kind === 'money' ? fenToWireYuan(v as Fen) : v;
  }
  return out;
}

export type Converted = { ok: true; value: Record<string, unknown> } | { ok: false; issues: FieldIssue[] };

/**
 * The server side: `content` as received → app params (fen), before validateParams. Money must
 * be a JSON number (or numeric string) with at most two decimals; ints may come as digit strings;
 * strings may come as safe-integer numbers. Unknown keys are dropped (wire.md: ignored).
 */
export function fromWireParams(name: MethodName, content: Params): Converted {
  const spec = methodSpec(name);
  const variant = selectVariant(spec, content);
  const out: Record<string, unknown> = {};
  const issues: FieldIssue[] = [];
  for (const f of variant.params) {
    const v = content[f.name];
    if (isEmpty(v)) continue;
    const c = fromWireValue(f, v, false);
    if (c.ok) out[f.name] = c.value;
    else issues.push({ field: f.name, rule: c.rule });
  }
  return issues.length === 0 ? { ok: true, value: out } : { ok: false, issues };
}

type ValueConv = { ok: true; value: unknown } | { ok: false; rule: string };

function fromWireValue(f: FieldSpec, v: unknown, isResult: boolean): ValueConv {
  switch (f.kind) {
    case 'money': {
      // A request's amount is a JSON number (wire.md); a string is refused, not read as one.
      if (!isResult && typeof v !== 'number') return { ok: false, rule: `${AMOUNT_RULE} (a JSON number, not a string)` };
      const fen = wireYuanToFen(v);
      const min = f.minFen ?? (isResult ? 0 : MIN_AMOUNT_FEN);
      if (fen === null || fen < min || fen > MAX_AMOUNT_FEN) return { ok: false, rule: isResult ? RESULT_AMOUNT_RULE : AMOUNT_RULE };
      return { ok: true, value: fen };
    }
    case 'int': {
      const n = typeof v === 'string' && /^-?\d{1,15}$/.test(v.trim()) ? Number(v.trim()) : v;
      if (typeof n !== 'number' || !Number.isSafeInteger(n)) return { ok: false, rule: f.oneOf ? oneOfRule(f.oneOf) : 'must be a whole number' };
      return { ok: true, value: n };
    }
    case 'json': {
      if (isPlainObject(v)) return { ok: true, value: v };
      if (typeof v === 'string') {
        try {
          const parsed: unknown = JSON.parse(v);
          if (isPlainObject(parsed)) return { ok: true, value: parsed };
        } catch {
          // falls through to the rule below
        }
      }
      return { ok: false, rule: 'must be a JSON object' };
    }
    case 'time': {
      const iso = normaliseWireTime(v);
      if (iso === null) return { ok: false, rule: 'must be a time as yyyyMMddHHmmss, yyMMddHHmmss or yyyy-MM-dd HH:mm:ss' };
      return { ok: true, value: iso };
    }
    default:
      if (typeof v === 'string') return { ok: true, value: v };
      // A number where the document says String (merchant_no, trade_status of JD…): its text,
      // unless digits were already lost (beyond 2^53), which we refuse rather than guess.
      if (typeof v === 'number' && Number.isSafeInteger(v)) return { ok: true, value: String(v) };
      if (typeof v === 'number') return { ok: false, rule: 'must be sent as a string (the number lost digits)' };
      return { ok: false, rule: 'must be a string' };
  }
}

const RESULT_FIELDS_CACHE = new WeakMap<VariantSpec, readonly FieldSpec[]>();
const PARAM_NAMES_CACHE = new WeakMap<VariantSpec, ReadonlySet<string>>();

function paramNames(variant: VariantSpec): ReadonlySet<string> {
  let names = PARAM_NAMES_CACHE.get(variant);
  if (!names) {
    names = new Set(variant.params.map((f) => f.name));
    PARAM_NAMES_CACHE.set(variant, names);
  }
  return names;
}

/** The result fields a client reads for a variant: its own, plus the other variants' as optional. */
export function resultFields(spec: MethodSpec, variant: VariantSpec): readonly FieldSpec[] {
  const cached = RESULT_FIELDS_CACHE.get(variant);
  if (cached) return cached;
  const fields = [...variant.result];
  const seen = new Set(fields.map((f) => f.name));
  for (const v of spec.variants) {
    if (v === variant) continue;
    for (const f of v.result) {
      if (seen.has(f.name)) continue;
      seen.add(f.name);
      fields.push({ ...f, presence: 'optional' });
    }
  }
  RESULT_FIELDS_CACHE.set(variant, fields);
  return fields;
}

/**
 * The client side: a verified `content` object → the typed result (fen, ISO times, derived
 * states). Fields not in the table are dropped, so nothing in yuan leaks inward.
 */
export function fromWireResult(name: MethodName, variant: VariantSpec, content: Params): Converted {
  const spec = methodSpec(name);
  const out: Record<string, unknown> = {};
  const issues: FieldIssue[] = [];
  for (const f of resultFields(spec, variant)) {
    const v = content[f.name];
    if (f.kind === 'time' && (v === '' || v === null)) {
      out[f.name] = null;
      continue;
    }
    if (v === undefined || v === null || (v === '' && f.presence === 'required')) {
      if (f.presence === 'required') issues.push({ field: f.name, rule: 'is missing from the answer' });
      continue;
    }
    const c = fromWireValue(f, v, true);
    if (c.ok) out[f.name] = c.value;
    else issues.push({ field: f.name, rule: c.rule });
  }
  if (issues.length > 0) return { ok: false, issues };
  const payTime = typeof content['pay_time'] === 'string' ? content['pay_time'] : null;
  switch (spec.derived) {
    case 'trade':
      out['state'] = attemptStateOf(out['trade_status'], { source: spec.kind === 'scan' ? 'pay' : 'query', payTime });
      break;
    case 'trade-optional':
      out['state'] = out['trade_status'] === undefined ? null : attemptStateOf(out['trade_status'], { source: 'query', payTime });
      break;
    case 'withdraw':
      out['withdraw_state'] = withdrawStateOf(out['trade_status']);
      break;
    case 'refund':
      out['refund_state'] = out['refund_status'] === undefined ? 'succeeded' : refundStateOf(out['refund_status']);
      break;
    default:
      break;
  }
  return { ok: true, value: out };
}

/** The server side: an app-form result (fen, ISO times) → the `content` object to send (yuan, wire times). */
export function toWireResult(variant: VariantSpec, result: Params): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of variant.result) {
    const v = result[f.name];
    if (v === undefined) continue;
    if (f.kind === 'money') {
      const yuan = fenToWireYuan(v as Fen);
      out[f.name] = f.moneyAsString ? formatYuan(v as Fen) : yuan;
    } else if (f.kind === 'time') {
      out[f.name] = v === null || v === '' ? '' : formatWireTime(v as string, f.timeFormat ?? 'yyyy-MM-dd HH:mm:ss');
    } else {
      out[f.name] = v;
    }
  }
  return out;
}

/** How many entries of the document's method list the table holds (variants counted). */
export function documentEntryCount(): number {
  return METHOD_NAMES.reduce((n, m) => n + methodSpec(m).variants.length, 0);
}
