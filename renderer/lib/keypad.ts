// The amount keypad as pure functions over the typed text ("12.5"): the keypad and the keyboard's
// digits both go through pressKey(), and the amount is read from the text with parseYuan — exact
// decimal parsing, never a float multiplication, so 0.1 + 0.2 never becomes 0.30000000000000004 fen.
import { MAX_AMOUNT_FEN, parseYuan, type Fen } from '../../shared/money';

export type KeypadKey = '0' | '1' | '2' | '3' | '4' | '5' | '6' | '7' | '8' | '9' | '00' | '.' | 'back' | 'clear';

/** Digits before the decimal point: 100000000 yuan (the gateway's maximum) has nine. */
export const MAX_INTEGER_DIGITS = 9;
/** Yuan have two decimals (fen). */
export const MAX_DECIMAL_DIGITS = 2;

export interface KeyResult {
  text: string;
  /** False when the key was refused (a third decimal, beyond the maximum amount…). */
  accepted: boolean;
}

/** The amount the text stands for, in fen; '' and '12.' read as 0 and 1200. */
export function textToFen(text: string): Fen {
  if (text === '') return 0;
  const trimmed = text.endsWith('.') ? text.slice(0, -1) : text;
  return parseYuan(trimmed) ?? 0;
}

/** Fen back to the shortest text that the keypad would have produced (1250 → "12.5"). */
export function fenToText(fen: Fen): string {
  if (fen <= 0) return '';
  const whole = Math.floor(fen / 100);
  const frac = fen % 100;
  if (frac === 0) return String(whole);
  return frac % 10 === 0 ? `${whole}.${frac / 10}` : `${whole}.${String(frac).padStart(2, '0')}`;
}

function appendDigit(text: string, digit: string): KeyResult {
  const dot = text.indexOf('.');
  if (dot >= 0) {
    if (text.length - dot - 1 >= MAX_DECIMAL_DIGITS) return { text, accepted: false };
    return withinMax(text + digit, text);
  }
  // A leading zero is replaced, so "0" then "5" reads "5", not "05".
  if (text === '0') return digit === '0' ? { text, accepted: true } : withinMax(digit, text);
  if (text.length >= MAX_INTEGER_DIGITS) return { text, accepted: false };
  return withinMax(text + digit, text);
}

function withinMax(next: string, previous: string): KeyResult {
  return textToFen(next) <= MAX_AMOUNT_FEN ? { text: next, accepted: true } : { text: previous, accepted: false };
}

export function pressKey(text: string, key: KeypadKey): KeyResult {
  switch (key) {
    case 'back':
      return { text: text.slice(0, -1), accepted: text.length > 0 };
    case 'clear':
      return { text: '', accepted: true };
    case '.':
      if (text.includes('.')) return { text, accepted: false };
      return { text: text === '' ? '0.' : `${text}.`, accepted: true };
    case '00': {
      const first = appendDigit(text, '0');
      if (!first.accepted) return { text, accepted: false };
      const second = appendDigit(first.text, '0');
      // "00" after one decimal adds only the one zero that fits.
      return second.accepted ? second : first;
    }
    default:
      return appendDigit(text, key);
  }
}

/** The keypad key a keyboard key stands for, or null (numpad keys report the same `key`). */
export function keyboardToKeypad(key: string): KeypadKey | null {
  if (/^[0-9]$/.test(key)) return key as KeypadKey;
  if (key === '.' || key === 'Decimal' || key === ',') return '.';
  if (key === 'Backspace') return 'back';
  if (key === 'Delete') return 'clear';
  return null;
}

/** What the amount display shows while typing: the text as typed, "0" when empty. */
export function displayText(text: string): string {
  return text === '' ? '0.00' : text;
}
