// Product barcodes: GS1 check digits (EAN-13, EAN-8, UPC-A), shop codes, payment-code lookalikes
// refused, and configurable scale barcodes (称重码) read and built.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  checkProductBarcode, checkScaleFormat, DEFAULT_SCALE_FORMAT, gs1CheckDigit, makeScaleBarcode, parseScaleBarcode, weighedPriceFen, type ScaleFormat,
} from '../../../shared/goods/barcode.js';

describe('GS1 check digits', () => {
  it('computes the check digit of known codes', () => {
    expect(gs1CheckDigit('690123456789')).toBe(2); // 6901234567892
    expect(gs1CheckDigit('9638507')).toBe(4); // EAN-8 96385074
    expect(gs1CheckDigit('03600029145')).toBe(2); // UPC-A 036000291452
    expect(gs1CheckDigit('400638133393')).toBe(1); // EAN-13 4006381333931
  });

  it('accepts EAN-13, EAN-8 and UPC-A with the right digit and names a wrong one', () => {
    expect(checkProductBarcode('4006381333931')).toEqual({ ok: true, code: '4006381333931', symbology: 'EAN-13' });
    expect(checkProductBarcode('96385074')).toMatchObject({ ok: true, symbology: 'EAN-8' });
    expect(checkProductBarcode('036000291452')).toMatchObject({ ok: true, symbology: 'UPC-A' });
    expect(checkProductBarcode('4006381333932')).toEqual({ ok: false, code: '4006381333932', reason: 'barcode: EAN-13 check digit is 2, should be 1' });
    expect(checkProductBarcode('96385075')).toMatchObject({ ok: false, reason: /EAN-8 check digit is 5, should be 4/ });
  });

  it('property: every body with its computed digit checks; any other last digit does not', () => {
    fc.assert(
      fc.property(fc.constantFrom(7, 11, 12), fc.nat(), fc.integer({ min: 1, max: 9 }), (len, seed, bump) => {
        const body = String(seed).padStart(len, '1').slice(0, len).replace(/^[12]/, '6');
        const d = gs1CheckDigit(body);
        expect(checkProductBarcode(body + d).ok).toBe(true);
        expect(checkProductBarcode(body + ((d + bump) % 10)).ok).toBe(false);
      }),
    );
  });

  it('shop codes: letters, digits and -; payment-code lookalikes and junk refused', () => {
    expect(checkProductBarcode(' A-1001 ')).toEqual({ ok: true, code: 'A-1001', symbology: 'shop' });
    expect(checkProductBarcode('12345')).toMatchObject({ ok: true, symbology: 'shop' });
    expect(checkProductBarcode('134567890123456700')).toMatchObject({ ok: false, reason: /payment code/ });
    expect(checkProductBarcode('ab')).toMatchObject({ ok: false });
    expect(checkProductBarcode('苹果')).toMatchObject({ ok: false });
    expect(checkProductBarcode('')).toMatchObject({ ok: false, reason: 'barcode: must not be empty' });
  });
});

describe('scale barcodes (称重码)', () => {
  it('reads the default 2F PPPPP VVVVV C label: PLU and price in fen', () => {
    const code = makeScaleBarcode(DEFAULT_SCALE_FORMAT, '00123', 1250);
    expect(code).toMatch(/^20001230125\d\d$/);
    expect(parseScaleBarcode(code, DEFAULT_SCALE_FORMAT)).toEqual({ kind: 'scale', plu: '00123', priceFen: 1250, weightG: null });
    const bad = code.slice(0, -1) + String((Number(code.at(-1)) + 1) % 10);
    expect(parseScaleBarcode(bad, DEFAULT_SCALE_FORMAT)).toMatchObject({ kind: 'bad_check' });
    expect(parseScaleBarcode('6901234567892', DEFAULT_SCALE_FORMAT)).toBeNull();
  });

  it('reads a configured weight label of 18 digits without check digit', () => {
    const f: ScaleFormat = { prefixes: ['27', '28'], length: 18, plu: [2, 6], valueKind: 'weight', value: [8, 5], checkDigit: false };
    expect(checkScaleFormat(f)).toBeNull();
    const code = makeScaleBarcode(f, '4711', 512);
    expect(code).toHaveLength(18);
    expect(parseScaleBarcode(code, f)).toEqual({ kind: 'scale', plu: '004711', priceFen: null, weightG: 512 });
    expect(parseScaleBarcode('29' + code.slice(2), f)).toBeNull();
  });

  it('refuses a layout that cannot work, naming the field', () => {
    expect(checkScaleFormat({ ...DEFAULT_SCALE_FORMAT, value: [5, 5] })).toBe('scale.value: overlaps the PLU');
    expect(checkScaleFormat({ ...DEFAULT_SCALE_FORMAT, value: [8, 5] })).toMatch(/scale.value: must lie inside the 12 digits/);
    expect(checkScaleFormat({ ...DEFAULT_SCALE_FORMAT, prefixes: [] })).toMatch(/scale.prefixes/);
    expect(checkScaleFormat({ ...DEFAULT_SCALE_FORMAT, length: 40 })).toMatch(/scale.length/);
  });

  it('prices a weight half up to the fen', () => {
    expect(weighedPriceFen(512, 1299)).toBe(665); // 665.088
    expect(weighedPriceFen(500, 1001)).toBe(501); // 500.5 → 501
    expect(weighedPriceFen(0, 1000)).toBe(0);
  });
});
