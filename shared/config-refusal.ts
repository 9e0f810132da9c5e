// Gateway answers that say the till is set up wrongly (app id, key, merchant, WeChat ids, calling
// IP, the merchant's account): a problem for the manager, not the customer's decline. Shared so
// that main tags the verdict ('config:<code>') and the renderer words it.
import { STATUS } from './status-codes.js';

/** Status codes that are configuration refusals (gateway-api.zh.txt §3.4). */
export const CONFIG_REFUSAL_CODES: readonly number[] = [
  STATUS.INVALID_APP_ID,
  STATUS.INVALID_SIGN,
  STATUS.INVALID_MERCHANT,
  STATUS.INVALID_WX_APPID,
  STATUS.IP_NOT_ALLOWED,
  STATUS.INVALID_SUB_MCH,
  STATUS.SUB_MCH_UNREVIEWED,
  STATUS.PAY_MERCHANT_UNAVAILABLE,
  STATUS.MERCHANT_TRADING_CLOSED,
];

/** Wire fields fed by the merchant's settings, and the code a gateway gives a wrong one. */
const ID_FIELD_CODE: Record<string, number> = {
  sub_appid: STATUS.INVALID_WX_APPID,
  sub_mch_id: STATUS.INVALID_SUB_MCH,
  merchant_no: STATUS.INVALID_MERCHANT,
};

export const CONFIG_PREFIX = 'config:';

/**
 * 'config:<code>' for a configuration refusal, else null. A local 10008 (our own check before
 * sending) whose issues name a merchant id (e.g. sub_appid not configured) counts as the code a
 * gateway would give it.
 */
export function configReasonCode(code: number, content: Record<string, unknown> | null = null): string | null {
  if (CONFIG_REFUSAL_CODES.includes(code)) return `${CONFIG_PREFIX}${code}`;
  if (code === STATUS.INVALID_PARAM && content && content['local'] === true && Array.isArray(content['issues'])) {
    for (const i of content['issues'] as { field?: unknown }[]) {
      const c = typeof i?.field === 'string' ? ID_FIELD_CODE[i.field] : undefined;
      if (c !== undefined) return `${CONFIG_PREFIX}${c}`;
    }
  }
  return null;
}

/** The status code of a 'config:<code>' reason code, or null. */
export function configCodeOf(reasonCode: string | null | undefined): number | null {
  if (!reasonCode || !reasonCode.startsWith(CONFIG_PREFIX)) return null;
  const n = Number(reasonCode.slice(CONFIG_PREFIX.length));
  return Number.isSafeInteger(n) ? n : null;
}
