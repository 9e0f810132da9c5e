// Outcomes are data (design.md): every call ends in exactly one of these.
export type GatewayOutcome<T> =
  /** code 0 and the signature verified. */
  | { kind: 'ok'; result: T }
  /**
   * A signed non-zero code; also code 10008 with content.local === true when our own validation
   * refused the parameters before anything was sent (content.issues lists {field, rule}).
   * Note: 1000 (系统错误) is `rejected` here but says nothing about money: see
   * isIndeterminateCode in shared/status-codes.ts.
   */
  | { kind: 'rejected'; code: number; message: string; content: Record<string, unknown> | null }
  /**
   * Timeout, transport error, HTTP ≠ 200, non-JSON or truncated body, unsigned or badly signed
   * answer, a code-0 answer whose content is malformed. `unsignedCode` carries the code of an
   * unsigned answer (e.g. 10001 无效的APPID, which the gateway cannot sign) so that a caller can
   * recognise a misconfiguration; an unsigned code is never trusted as a payment result.
   */
  | { kind: 'unknown'; reason: string; unsignedCode?: number };

export const ok = <T>(result: T): GatewayOutcome<T> => ({ kind: 'ok', result });
export const unknown = <T>(reason: string, unsignedCode?: number): GatewayOutcome<T> =>
  unsignedCode === undefined ? { kind: 'unknown', reason } : { kind: 'unknown', reason, unsignedCode };
export const rejected = <T>(code: number, message: string, content: Record<string, unknown> | null): GatewayOutcome<T> => ({
  kind: 'rejected',
  code,
  message,
  content,
});
