import { describe, expect, it } from 'vitest';
import { KNOWN_SCANNERS, findKnownScanner, normalizeUsbId } from '../../../electron/scanner/known-devices.js';

describe('known scan guns', () => {
  it('normalises ids as the platforms report them', () => {
    expect(normalizeUsbId('0C2E')).toBe('0c2e');
    expect(normalizeUsbId('0x0c2e')).toBe('0c2e');
    expect(normalizeUsbId('c2e')).toBe('0c2e');
    expect(normalizeUsbId(' 1EAB ')).toBe('1eab');
    expect(normalizeUsbId('')).toBeNull();
    expect(normalizeUsbId('12345')).toBeNull();
    expect(normalizeUsbId('zz')).toBeNull();
    expect(normalizeUsbId(undefined)).toBeNull();
  });

  it('covers Honeywell, Zebra/Symbol, Datalogic and Newland, each row with a source', () => {
    const vendors = new Set(KNOWN_SCANNERS.map((k) => k.vendorId));
    for (const v of ['0c2e', '0536', '05e0', '05f9', '080c', '1eab']) expect(vendors.has(v)).toBe(true);
    for (const k of KNOWN_SCANNERS) {
      expect(k.vendorId).toMatch(/^[0-9a-f]{4}$/);
      if (k.productId !== null) expect(k.productId).toMatch(/^[0-9a-f]{4}$/);
      expect(k.source).toBeTruthy();
    }
    const keys = KNOWN_SCANNERS.map((k) => `${k.vendorId}:${k.productId}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('finds the exact model first, else the scanner-only vendor', () => {
    expect(findKnownScanner('0c2e', '0720')?.name).toMatch(/MS7120.*bi-directional/);
    expect(findKnownScanner('0C2E', '0B81')?.name).toBe('Honeywell scanner (USB serial)');
    expect(findKnownScanner('05e0', '1701')?.name).toMatch(/Zebra\/Symbol.*CDC/);
    expect(findKnownScanner('05f9', '4204')?.name).toMatch(/Datalogic Gryphon/);
    expect(findKnownScanner('1eab', '8306')?.name).toMatch(/Newland HR2160/);
    expect(findKnownScanner('1EAB', '9999')?.name).toMatch(/Newland/);
  });

  it('never takes a generic USB-serial bridge (printers and scales use them too), nor a shared VID', () => {
    expect(findKnownScanner('1a86', '7523')).toBeNull(); // CH340
    expect(findKnownScanner('067b', '2303')).toBeNull(); // PL2303
    expect(findKnownScanner('0403', '6001')).toBeNull(); // FTDI
    expect(findKnownScanner('10c4', 'ea60')).toBeNull(); // CP210x
    expect(findKnownScanner('0488', '5788')?.name).toMatch(/Netum/);
    expect(findKnownScanner('0488', '0001')).toBeNull(); // Cirque's VID: only the exact product
    expect(findKnownScanner('067e', '1001')).toBeNull(); // Intermec mobile computer
    expect(findKnownScanner(undefined, undefined)).toBeNull();
  });
});
