// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fenToText, keyboardToKeypad, pressKey, textToFen, type KeypadKey } from '../../../renderer/lib/keypad';
import { MAX_AMOUNT_FEN, parseYuan } from '../../../shared/money';

function typeKeys(keys: KeypadKey[], start = ''): string {
  return keys.reduce((text, k) => pressKey(text, k).text, start);
}

describe('keypad', () => {
  it('builds amounts the way a cashier types them', () => {
    expect(textToFen(typeKeys(['1', '2', '.', '5']))).toBe(1250);
    expect(textToFen(typeKeys(['0', '.', '0', '1']))).toBe(1);
    expect(textToFen(typeKeys(['.', '5']))).toBe(50);
    expect(textToFen(typeKeys(['1', '00']))).toBe(10000);
    expect(textToFen(typeKeys(['1', '2', '.']))).toBe(1200);
    expect(textToFen('')).toBe(0);
  });

  it('replaces a leading zero and refuses a second point or a third decimal', () => {
    expect(typeKeys(['0', '5'])).toBe('5');
    expect(typeKeys(['0', '0'])).toBe('0');
    expect(pressKey('1.2', '.').accepted).toBe(false);
    expect(pressKey('1.25', '9')).toEqual({ text: '1.25', accepted: false });
    // "00" after one decimal adds the one zero that fits
    expect(pressKey('1.2', '00')).toEqual({ text: '1.20', accepted: true });
    expect(pressKey('1.25', '00').accepted).toBe(false);
  });

  it('never goes past the gateway maximum of 100000000 yuan', () => {
    const max = typeKeys(['1', '00', '00', '00', '00']);
    expect(textToFen(max)).toBe(MAX_AMOUNT_FEN);
    expect(pressKey(max, '0').accepted).toBe(false);
    expect(pressKey(`${max}.`, '1').accepted).toBe(false);
    expect(pressKey('999999999', '9').accepted).toBe(false);
  });

  it('back and clear', () => {
    expect(pressKey('12.5', 'back').text).toBe('12.');
    expect(pressKey('', 'back').accepted).toBe(false);
    expect(pressKey('12.5', 'clear').text).toBe('');
  });

  it('maps keyboard keys', () => {
    expect(keyboardToKeypad('7')).toBe('7');
    expect(keyboardToKeypad('.')).toBe('.');
    expect(keyboardToKeypad('Backspace')).toBe('back');
    expect(keyboardToKeypad('Delete')).toBe('clear');
    expect(keyboardToKeypad('a')).toBeNull();
    expect(keyboardToKeypad('Enter')).toBeNull();
  });

  it('any key sequence gives text that parseYuan reads exactly as the amount shown, within range', () => {
    const key = fc.constantFrom<KeypadKey>('0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '00', '.', 'back', 'clear');
    fc.assert(
      fc.property(fc.array(key, { maxLength: 30 }), (keys) => {
        const text = typeKeys(keys);
        const fen = textToFen(text);
        expect(Number.isSafeInteger(fen)).toBe(true);
        expect(fen).toBeGreaterThanOrEqual(0);
        expect(fen).toBeLessThanOrEqual(MAX_AMOUNT_FEN);
        const trimmed = text.endsWith('.') ? text.slice(0, -1) : text;
        if (trimmed !== '') expect(parseYuan(trimmed)).toBe(fen);
        expect(/^(\d{1,9}(\.\d{0,2})?)?$/.test(text)).toBe(true);
      }),
    );
  });

  it('fenToText round-trips through textToFen', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: MAX_AMOUNT_FEN }), (fen) => {
        expect(textToFen(fenToText(fen))).toBe(fen);
      }),
    );
  });
});
