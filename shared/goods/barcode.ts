// Product barcodes as the catalogue keeps them and the scan gun reads them: GS1 codes (EAN-13,
// EAN-8, UPC-A) with their mod-10 check digit, the shop's own codes, and price-embedded scale
// barcodes (称重码) whose layout the shop configures. Pure: no I/O.
import { paymentCodeChannel } from '../paycode.js';

export type GoodsSymbology = 'EAN-13' | 'EAN-8' | 'UPC-A' | 'shop';

/** The GS1 mod-10 check digit of a body (all digits but the check digit): weights 3,1,3,1… from the right. */
export function gs1CheckDigit(body: string): number {
  if (!/^\d+$/.test(body)) throw new RangeError(`gs1CheckDigit: "${body}" is not digits`);
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    const weight = (body.length - i) % 2 === 1 ? 3 : 1;
    sum += Number(body[i]) * weight;
  }
  return (10 - (sum % 10)) % 10;
}

/** A shop's own code: 3–32 of A–Z a–z 0–9 - (not 8/12/13 digits, which are GS1 and must check). */
const SHOP_CODE = /^[A-Za-z0-9-]{3,32}$/;
const GS1_LENGTHS: Record<number, GoodsSymbology> = { 8: 'EAN-8', 12: 'UPC-A', 13: 'EAN-13' };

export type BarcodeCheck =
  | { ok: true; code: string; symbology: GoodsSymbology }
  | { ok: false; code: string; reason: string };

/**
 * Whether a code can be a product's barcode, and which kind. GS1 lengths (8, 12, 13 digits) must
 * carry the right check digit; a code a payment code would match is refused (a scan of it would
 * start a payment); anything else of 3–32 letters, digits and '-' is a shop code.
 */
export function checkProductBarcode(raw: string): BarcodeCheck {
  const code = raw.trim();
  if (code === '') return { ok: false, code, reason: 'barcode: must not be empty' };
  if (paymentCodeChannel(code)) return { ok: false, code, reason: 'barcode: looks like a WeChat/Alipay payment code; a scan of it would start a payment' };
  if (/^\d+$/.test(code) && GS1_LENGTHS[code.length]) {
    const want = gs1CheckDigit(code.slice(0, -1));
    if (want !== Number(code.at(-1))) {
      return { ok: false, code, reason: `barcode: ${GS1_LENGTHS[code.length]} check digit is ${code.at(-1)}, should be ${want}` };
    }
    return { ok: true, code, symbology: GS1_LENGTHS[code.length]! };
  }
  if (!SHOP_CODE.test(code)) return { ok: false, code, reason: 'barcode: must be EAN-13, EAN-8, UPC-A or a shop code of 3–32 letters, digits and -' };
  return { ok: true, code, symbology: 'shop' };
}

// ---------------------------------------------------------------- scale barcodes (称重码)

/**
 * The layout of the shop's scale labels. Positions count from 0 over the whole code. The usual
 * Chinese 13-digit label is `2 F PPPPP VVVVV C`: prefix 2 and a flag digit, 5-digit PLU, 5-digit
 * value (price in fen, or weight in grams), EAN-13 check digit. 18-digit labels carry both.
 */
export interface ScaleFormat {
  /** The code starts with one of these (e.g. ['2'] or ['20','21','22']). */
  prefixes: string[];
  /** Total digits, check digit included: 13 (EAN-13) or 18. */
  length: number;
  /** PLU: [start, length]. */
  plu: [number, number];
  /** What the value field holds. */
  valueKind: 'price' | 'weight';
  /** Value: [start, length]; price in fen, weight in grams. */
  value: [number, number];
  /** The last digit is a GS1 check digit over the rest. */
  checkDigit: boolean;
}

export const DEFAULT_SCALE_FORMAT: ScaleFormat = { prefixes: ['2'], length: 13, plu: [2, 5], valueKind: 'price', value: [7, 5], checkDigit: true };

/** Why a scale format cannot work, or null. */
export function checkScaleFormat(f: ScaleFormat): string | null {
  if (!Number.isInteger(f.length) || f.length < 8 || f.length > 24) return 'scale.length: must be 8–24 digits';
  if (!Array.isArray(f.prefixes) || f.prefixes.length === 0 || f.prefixes.some((p) => !/^\d{1,4}$/.test(p))) return 'scale.prefixes: must be 1–4 digits each, at least one';
  const body = f.checkDigit ? f.length - 1 : f.length;
  for (const [name, [start, len]] of [['plu', f.plu], ['value', f.value]] as const) {
    if (!Number.isInteger(start) || !Number.isInteger(len) || start < 0 || len < 1 || start + len > body) return `scale.${name}: must lie inside the ${body} digits before the check digit`;
  }
  const [ps, pl] = f.plu;
  const [vs, vl] = f.value;
  if (ps < vs + vl && vs < ps + pl) return 'scale.value: overlaps the PLU';
  if (f.plu[1] > 8) return 'scale.plu: at most 8 digits';
  if (f.value[1] > 9) return 'scale.value: at most 9 digits';
  return null;
}

export type ScaleRead =
  | { kind: 'scale'; plu: string; priceFen: number | null; weightG: number | null }
  | { kind: 'bad_check'; reason: string }
  | null;

/** Reads a scale label: null when the code is not of this layout; bad_check when its check digit is wrong. */
export function parseScaleBarcode(code: string, f: ScaleFormat): ScaleRead {
  if (code.length !== f.length || !/^\d+$/.test(code) || !f.prefixes.some((p) => code.startsWith(p))) return null;
  if (f.checkDigit) {
    const want = gs1CheckDigit(code.slice(0, -1));
    if (want !== Number(code.at(-1))) return { kind: 'bad_check', reason: `scale barcode: check digit is ${code.at(-1)}, should be ${want}` };
  }
  const plu = code.slice(f.plu[0], f.plu[0] + f.plu[1]);
  const value = Number(code.slice(f.value[0], f.value[0] + f.value[1]));
  return f.valueKind === 'price' ? { kind: 'scale', plu, priceFen: value, weightG: null } : { kind: 'scale', plu, priceFen: null, weightG: value };
}

/** Builds a scale label of this layout (tests, the shop's label printer check). */
export function makeScaleBarcode(f: ScaleFormat, plu: string, value: number, flag = '0'): string {
  const body = f.checkDigit ? f.length - 1 : f.length;
  const digits = Array.from({ length: body }, () => flag);
  const put = (s: string, [start, len]: [number, number]) => {
    const text = s.padStart(len, '0');
    if (text.length > len) throw new RangeError(`makeScaleBarcode: ${s} does not fit ${len} digits`);
    for (let i = 0; i < len; i++) digits[start + i] = text[i]!;
  };
  const prefix = f.prefixes[0]!;
  for (let i = 0; i < prefix.length; i++) digits[i] = prefix[i]!;
  put(plu, f.plu);
  put(String(value), f.value);
  const s = digits.join('');
  return f.checkDigit ? s + String(gs1CheckDigit(s)) : s;
}

/** The price of a weighed line: grams × fen per kg / 1000, rounded half up to the fen. */
export function weighedPriceFen(weightG: number, unitFenPerKg: number): number {
  if (!Number.isSafeInteger(weightG) || weightG < 0 || !Number.isSafeInteger(unitFenPerKg) || unitFenPerKg < 0) throw new RangeError('weighedPriceFen: whole numbers ≥ 0');
  return Math.floor((weightG * unitFenPerKg + 500) / 1000);
}
