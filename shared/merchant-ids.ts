// The merchant's own ids that some payment methods need (WeChat sub_appid / sub_mch_id, the
// till's IP as spbill_create_ip / client_ip, UnionPay's bank_code), as settings: which setting
// feeds which wire field of which method, and the method table's rule for each (shared/methods.ts).
// Used by the settings schema (main refuses), the settings screen (shows the field in the method
// table's terms) and the checkout parameters (sent only where the method takes the field).
import { METHOD_NAMES, UNIONPAY_BANK_CODES, methodSpec, type FieldSpec, type MethodName } from './methods.js';

export type MerchantIdSetting = 'wxSubAppId' | 'wxSubMchId' | 'terminalIp' | 'unionpayBankCode';

/** Wire fields fed by each setting. */
export const MERCHANT_ID_FIELDS: Record<MerchantIdSetting, readonly string[]> = {
  wxSubAppId: ['sub_appid'],
  wxSubMchId: ['sub_mch_id'],
  terminalIp: ['spbill_create_ip', 'client_ip', 'ip'],
  unionpayBankCode: ['bank_code'],
};

/** Methods (of the ones a counter starts) whose parameters take a field, with its presence. */
export function methodsTaking(field: string): { method: MethodName; presence: 'required' | 'optional' | 'special'; maxLength: number | null; zh: string }[] {
  const out: { method: MethodName; presence: 'required' | 'optional' | 'special'; maxLength: number | null; zh: string }[] = [];
  for (const name of METHOD_NAMES) {
    const spec = methodSpec(name);
    if (spec.kind === 'withdraw' || spec.kind === 'withdraw_query') continue;
    for (const v of spec.variants) {
      const f = (v.params as readonly FieldSpec[]).find((p) => p.name === field);
      if (f) {
        out.push({ method: name, presence: f.presence, maxLength: f.maxLength ?? null, zh: f.zh });
        break;
      }
    }
  }
  return out;
}

/** The strictest maximum length the method table gives a field across the methods taking it. */
function tableMaxLength(field: string): number {
  const lengths = methodsTaking(field).map((m) => m.maxLength).filter((n): n is number => n !== null);
  return lengths.length ? Math.min(...lengths) : 32;
}

/** WeChat sub_appid: at most this many characters (公众号appid, weixin.* request tables). */
export const SUB_APPID_MAX = tableMaxLength('sub_appid');
/** WeChat sub_mch_id: the shortest limit of the methods taking it (weixin.mppay: 16). */
export const SUB_MCH_ID_MAX = tableMaxLength('sub_mch_id');
/** spbill_create_ip is at most 16 characters in the table: an IPv4 address. */
export const TERMINAL_IP_MAX = tableMaxLength('spbill_create_ip');

export const IPV4_PATTERN = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
/** A WeChat official-account appid: "wx" and 16 hex digits. */
export const WX_APPID_PATTERN = /^wx[0-9a-f]{16}$/;
export const SUB_MCH_ID_PATTERN = new RegExp(`^\\d{1,${SUB_MCH_ID_MAX}}$`);
/** The till's old built-in placeholders: never a real merchant's id. */
export const PLACEHOLDER_IDS = { sub_appid: 'wx0000000000000000', sub_mch_id: '0000000000' } as const;

export const MERCHANT_ID_RULES: Record<MerchantIdSetting, string> = {
  wxSubAppId: `must be empty or the WeChat official-account appid (sub_appid): "wx" and 16 hex digits, at most ${SUB_APPID_MAX} characters, not the placeholder`,
  wxSubMchId: `must be empty or the WeChat sub-merchant id (sub_mch_id): 1–${SUB_MCH_ID_MAX} digits, not all zeros`,
  terminalIp: `must be empty (this till's LAN address) or an IPv4 address for spbill_create_ip / client_ip (at most ${TERMINAL_IP_MAX} characters)`,
  unionpayBankCode: `must be one of the UnionPay bank codes (bank_code) of unionpay.gateway`,
};

/** Checks one merchant-id setting; null when acceptable. The message names the field. */
export function checkMerchantId(key: MerchantIdSetting, value: string): string | null {
  const bad = `${key}: ${MERCHANT_ID_RULES[key]}`;
  switch (key) {
    case 'wxSubAppId':
      if (value === '') return null;
      return WX_APPID_PATTERN.test(value) && value.length <= SUB_APPID_MAX && value !== PLACEHOLDER_IDS.sub_appid ? null : bad;
    case 'wxSubMchId':
      if (value === '') return null;
      return SUB_MCH_ID_PATTERN.test(value) && !/^0+$/.test(value) ? null : bad;
    case 'terminalIp':
      if (value === '') return null;
      return IPV4_PATTERN.test(value) && value.length <= TERMINAL_IP_MAX && value !== '0.0.0.0' ? null : bad;
    case 'unionpayBankCode':
      return (UNIONPAY_BANK_CODES as readonly string[]).includes(value) ? null : bad;
  }
}

/** True for a field of `method` that the merchant's ids feed and the method requires. */
export function methodRequires(method: MethodName, field: string): boolean {
  return methodsTaking(field).some((m) => m.method === method && m.presence === 'required');
}
