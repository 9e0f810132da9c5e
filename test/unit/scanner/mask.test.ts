import { describe, expect, it } from 'vitest';
import { classifyScan, maskScanForDisplay } from '../../../shared/paycode.js';

describe('maskScanForDisplay', () => {
  it('masks payment codes and long digit runs that may be a mangled payment code; shows products', () => {
    expect(maskScanForDisplay(classifyScan('134567890123456789'))).toBe('1345**********6789');
    expect(maskScanForDisplay(classifyScan('2834567890123456'))).toBe('2834********3456');
    expect(maskScanForDisplay(classifyScan('13456789012345678'))).toBe('1345*********5678'); // 17 digits: unknown, still masked
    expect(maskScanForDisplay(classifyScan('4006381333931'))).toBe('4006381333931');
    expect(maskScanForDisplay(classifyScan('HELLO-42'))).toBe('HELLO-42');
    expect(maskScanForDisplay(classifyScan('123456789'))).toBe('123456789');
  });
});
