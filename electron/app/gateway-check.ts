// 连接测试: one harmless signed call (merchant.balance) that tells apart the ways a till can be
// pointed at a gateway wrongly. Secrets stay here: the view carries codes and reasons only.
import type { GatewayClient, GatewayOutcome } from '../gateway/client.js';
import { STATUS } from '../../shared/status-codes.js';
import type { GatewayCheckResult, GatewayCheckView } from '../../shared/ipc/contract.js';
import { PosError } from '../../shared/ipc/errors.js';

/** The check waits at most this long for the gateway (shorter than a payment's timeout cap). */
export const CHECK_TIMEOUT_MS = 8_000;

const BY_CODE: Record<number, { result: GatewayCheckResult; field: string }> = {
  [STATUS.INVALID_APP_ID]: { result: 'unknown_app', field: 'appId' },
  [STATUS.INVALID_SIGN]: { result: 'bad_sign', field: 'secret' },
  [STATUS.INVALID_MERCHANT]: { result: 'unknown_merchant', field: 'merchantNo' },
  [STATUS.IP_NOT_ALLOWED]: { result: 'ip_denied', field: 'gatewayUrl' },
  [STATUS.CHANNEL_CLOSED]: { result: 'channel_closed', field: 'merchantNo' },
  [STATUS.MERCHANT_TRADING_CLOSED]: { result: 'channel_closed', field: 'merchantNo' },
};

type Verdict = Pick<GatewayCheckView, 'result' | 'code' | 'field' | 'detail'>;

/** What the answer to merchant.balance says about the till's settings. Pure. */
export function judgeCheck(o: GatewayOutcome<unknown>, signType: 'MD5' | 'RSA' = 'MD5'): Verdict {
  const signField = signType === 'RSA' ? 'merchantPrivateKeyPath' : 'secret';
  const byCode = (code: number, detail: string): Verdict => {
    const hit = BY_CODE[code];
    if (!hit) return { result: 'refused', code, field: 'merchantNo', detail };
    return { result: hit.result, code, field: hit.result === 'bad_sign' ? signField : hit.field, detail };
  };
  if (o.kind === 'ok') return { result: 'ok', code: 0, field: null, detail: 'merchant.balance answered and its signature verified' };
  if (o.kind === 'rejected') {
    // 13001: no permission for merchant.balance, but the answer was signed with our key: the app
    // id, key and merchant are right.
    if (o.code === STATUS.METHOD_FORBIDDEN) return { result: 'ok', code: o.code, field: null, detail: `${o.code} ${o.message}` };
    return byCode(o.code, `${o.code} ${o.message}`);
  }
  // Not trusted as a result, but a diagnosis: 10001 comes unsigned; a wrong secret makes the
  // gateway's signed 10002 (or any answer) fail to verify.
  if (o.unsignedCode !== undefined) {
    if (/does not verify|signed with/.test(o.reason) && o.unsignedCode !== STATUS.INVALID_APP_ID) return { result: 'bad_sign', code: o.unsignedCode, field: signField, detail: o.reason };
    return byCode(o.unsignedCode, o.reason);
  }
  if (/does not verify|signed with/.test(o.reason)) return { result: 'bad_sign', code: 0, field: signField, detail: o.reason };
  if (/^transport error|^no answer within|aborted/.test(o.reason)) return { result: 'unreachable', code: null, field: 'gatewayUrl', detail: o.reason };
  return { result: 'not_gateway', code: null, field: 'gatewayUrl', detail: o.reason };
}

export async function checkGateway(client: GatewayClient, merchantNo: string, signType: 'MD5' | 'RSA'): Promise<Verdict> {
  const o = await client.call('merchant.balance', { merchant_no: merchantNo }, { timeoutMs: CHECK_TIMEOUT_MS });
  return judgeCheck(o, signType);
}

/** A save refused because the check failed: names the setting to look at. */
export function checkRefusal(v: GatewayCheckView): PosError {
  const field = v.field ?? 'gatewayUrl';
  const message = `${field}: the gateway check failed (${v.result}${v.code !== null ? ` ${v.code}` : ''}): ${v.detail}`;
  return new PosError('invalid_settings', message, { issues: [{ path: field, message }], checkResult: v.result, ...(v.code !== null ? { gatewayCode: v.code } : {}) });
}
