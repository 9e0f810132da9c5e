// Payment codes (auth_code) shown on the customer's phone, and product barcodes, as the scan gun
// reads them. A code is always a string: an 18-digit WeChat code exceeds Number.MAX_SAFE_INTEGER.

export type ScanChannel = 'weixin' | 'alipay';

/** The scan-payment method of each channel. */
export const SCAN_PAY_METHOD: Record<ScanChannel, 'weixin.scan_qr_code_pay' | 'alipay.scan_qr_code_pay'> = {
  weixin: 'weixin.scan_qr_code_pay',
  alipay: 'alipay.scan_qr_code_pay',
};

const WEIXIN_CODE = /^1[0-5]\d{16}$/; // 18 digits, first two 10–15
const ALIPAY_CODE = /^(2[5-9]|30)\d{14,22}$/; // 16–24 digits, first two 25–30

export const AUTH_CODE_RULE =
  'not a WeChat (18 digits, 10–15…) or Alipay (16–24 digits, 25–30…) payment code';

/** The channel a payment code belongs to, or null when it is neither's. */
export function paymentCodeChannel(code: string): ScanChannel | null {
  if (WEIXIN_CODE.test(code)) return 'weixin';
  if (ALIPAY_CODE.test(code)) return 'alipay';
  return null;
}

/** `auth_code: not a WeChat … payment code` or null when valid (for the given channel, if any). */
export function checkAuthCode(code: unknown, channel?: ScanChannel): string | null {
  if (typeof code !== 'string') return `auth_code: ${AUTH_CODE_RULE}`;
  const found = paymentCodeChannel(code);
  if (!found) return `auth_code: ${AUTH_CODE_RULE}`;
  if (channel && found !== channel) {
    return channel === 'weixin'
      ? 'auth_code: not a WeChat payment code (18 digits starting 10–15)'
      : 'auth_code: not an Alipay payment code (16–24 digits starting 25–30)';
  }
  return null;
}

/** First 4 + last 4, the rest starred: for every log line and every screen that shows a code. */
export function maskCode(code: string): string {
  if (code.length <= 8) return '*'.repeat(code.length);
  return `${code.slice(0, 4)}${'*'.repeat(code.length - 8)}${code.slice(-4)}`;
}

export type ProductSymbology = 'EAN-13' | 'EAN-8' | 'UPC-A';

/** GS1 mod-10 check digit over all digits but the last, which it must equal. */
function gs1CheckDigitOk(digits: string): boolean {
  let sum = 0;
  const body = digits.slice(0, -1);
  for (let i = 0; i < body.length; i++) {
    // Weights 3,1,3,1… counted from the rightmost body digit.
    const weight = (body.length - i) % 2 === 1 ? 3 : 1;
    sum += Number(body[i]) * weight;
  }
  return (10 - (sum % 10)) % 10 === Number(digits[digits.length - 1]);
}

export function productSymbology(code: string): ProductSymbology | null {
  if (!/^\d+$/.test(code)) return null;
  if (code.length === 13 && gs1CheckDigitOk(code)) return 'EAN-13';
  if (code.length === 12 && gs1CheckDigitOk(code)) return 'UPC-A';
  if (code.length === 8 && gs1CheckDigitOk(code)) return 'EAN-8';
  return null;
}

export type ScanKind =
  | { kind: 'payment'; channel: ScanChannel; code: string }
  | { kind: 'product'; symbology: ProductSymbology; code: string }
  | { kind: 'unknown'; code: string };

/** Classifies one read of a scan gun (serial or keyboard wedge). */
export function classifyScan(code: string): ScanKind {
  const channel = paymentCodeChannel(code);
  if (channel) return { kind: 'payment', channel, code };
  const symbology = productSymbology(code);
  if (symbology) return { kind: 'product', symbology, code };
  return { kind: 'unknown', code };
}

/** What a log line may show of any scan: payment codes masked, the rest as read. */
export function scanForLog(scan: ScanKind): string {
  return scan.kind === 'payment' ? maskCode(scan.code) : scan.code;
}

/**
 * What a scanner log line, status or test screen may show of a read: stricter than scanForLog.
 * Payment codes are masked, and so is an unknown read of 10 or more digits: a payment code with
 * a digit missing or misread is not classified as one, yet it is still the customer's code.
 * Product barcodes and other unknown reads are shown as read (the cashier needs them to fix a
 * scanner's settings).
 */
export function maskScanForDisplay(scan: ScanKind): string {
  if (scan.kind === 'payment') return maskCode(scan.code);
  if (scan.kind === 'unknown' && /^\d{10,}$/.test(scan.code)) return maskCode(scan.code);
  return scan.code;
}
