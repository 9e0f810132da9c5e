// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { attachWedge, WedgeDetector, wedgeRead, WEDGE_IGNORE_ATTRIBUTE, type ScannerRead } from '../../../renderer/scanner/wedge.js';

const WX = '134567890123456789';
const EAN13 = '4006381333931';

let clock = 0;
let reads: ScannerRead[] = [];
let detach: (() => void) | null = null;
let input: HTMLInputElement;
/** Enter keys that reached the field (a form would submit on them). */
let entersSeen = 0;

beforeEach(() => {
  clock = 1000;
  reads = [];
  entersSeen = 0;
  document.body.innerHTML = '<input id="amount" value="12.50"><input id="pin" data-wedge-ignore><textarea id="note"></textarea>';
  input = document.getElementById('amount') as HTMLInputElement;
  input.addEventListener('keydown', (e) => {
    if ((e as KeyboardEvent).key === 'Enter') entersSeen++;
  });
  detach = attachWedge(window, { now: () => clock }, (r) => reads.push(r));
});
afterEach(() => {
  detach?.();
  detach = null;
});

/**
 * One key as a browser delivers it: keydown on the focused element; a printable key not
 * prevented then lands in the field at the caret (the browser's default action, simulated here).
 */
function press(el: HTMLElement, key: string, gapMs: number, mods: KeyboardEventInit = {}): KeyboardEvent {
  clock += gapMs;
  const ev = new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true, ...mods });
  el.dispatchEvent(ev);
  if (!ev.defaultPrevented && key.length === 1 && 'value' in el && !mods.ctrlKey) {
    const field = el as HTMLInputElement;
    const at = field.selectionStart ?? field.value.length;
    const end = field.selectionEnd ?? at;
    field.value = field.value.slice(0, at) + key + field.value.slice(end);
    field.setSelectionRange(at + 1, at + 1);
    field.dispatchEvent(new Event('input', { bubbles: true }));
  }
  return ev;
}
function type(el: HTMLElement, text: string, gapMs: number): void {
  for (const ch of text) press(el, ch, gapMs);
}

describe('keyboard-wedge scan gun', () => {
  it('takes a fast burst ending in Enter: one read, the field keeps its value, the Enter reaches nobody', () => {
    input.focus();
    input.setSelectionRange(5, 5);
    const inputs: string[] = [];
    input.addEventListener('input', () => inputs.push(input.value));
    type(input, WX, 8); // ~8 ms a key, as a gun types
    const enter = press(input, 'Enter', 8);
    expect(reads).toEqual([{ scannerId: 'keyboard', kind: 'payment', code: WX, masked: '1345**********6789', channel: 'weixin', symbology: null }]);
    expect(input.value).toBe('12.50');
    expect(inputs.at(-1)).toBe('12.50'); // v-model hears the restored value
    expect(input.selectionStart).toBe(5);
    expect(enter.defaultPrevented).toBe(true);
    expect(entersSeen).toBe(0);
  });

  it('never takes human typing: slow keys stay in the field and Enter goes through', () => {
    input.value = '';
    type(input, '12345678', 120);
    const enter = press(input, 'Enter', 150);
    expect(reads).toEqual([]);
    expect(input.value).toBe('12345678');
    expect(enter.defaultPrevented).toBe(false);
    expect(entersSeen).toBe(1);
  });

  it('a fast typist rolling a few keys is still typing: too short for a scan', () => {
    input.value = '';
    type(input, '42', 20);
    press(input, 'Enter', 20);
    expect(reads).toEqual([]);
    expect(input.value).toBe('42');
    expect(entersSeen).toBe(1);
  });

  it('a burst whose Enter comes late is typing (the gun sends Enter at once)', () => {
    input.value = '';
    type(input, EAN13, 5);
    press(input, 'Enter', 300);
    expect(reads).toEqual([]);
    expect(input.value).toBe(EAN13);
  });

  it('typing, then a scan: only the burst is taken, what the cashier typed stays', () => {
    input.value = '';
    type(input, '8.8', 150);
    clock += 400; // the cashier picks up the gun
    type(input, EAN13, 6);
    press(input, 'Enter', 6);
    expect(reads.map((r) => [r.kind, r.symbology, r.code])).toEqual([['product', 'EAN-13', EAN13]]);
    expect(input.value).toBe('8.8');
  });

  it('a scan with no field focused is taken too; capitals with Shift are fine', () => {
    document.body.focus();
    for (const ch of 'ABC-12345') {
      if (/[A-Z]/.test(ch)) press(document.body, 'Shift', 2);
      press(document.body, ch, 4);
    }
    press(document.body, 'Enter', 4);
    expect(reads.map((r) => [r.kind, r.code, r.masked])).toEqual([['unknown', 'ABC-12345', 'ABC-12345']]);
  });

  it('an interruption (Backspace, a shortcut, IME composition) breaks the burst', () => {
    for (const interrupt of [
      () => press(input, 'Backspace', 5),
      () => press(input, 'v', 5, { ctrlKey: true }),
      () => press(input, 'Process', 5, { isComposing: true }),
    ]) {
      input.value = '';
      type(input, '1234', 5);
      interrupt();
      type(input, '5678', 5);
      const enter = press(input, 'Enter', 5);
      expect(reads).toEqual([]); // neither half is long enough; together they would have been a scan
      expect(enter.defaultPrevented).toBe(false);
    }
    // The same keys without the interruption are a scan.
    input.value = '';
    type(input, '12345678', 5);
    press(input, 'Enter', 5);
    expect(reads.map((r) => r.code)).toEqual(['12345678']);
  });

  it('fields marked data-wedge-ignore are left alone', () => {
    const pin = document.getElementById('pin') as HTMLInputElement;
    expect(pin.hasAttribute(WEDGE_IGNORE_ATTRIBUTE)).toBe(true);
    type(pin, EAN13, 5);
    const enter = press(pin, 'Enter', 5);
    expect(reads).toEqual([]);
    expect(pin.value).toBe(EAN13);
    expect(enter.defaultPrevented).toBe(false);
  });

  it('works in a textarea, and stops after detach', () => {
    const note = document.getElementById('note') as HTMLTextAreaElement;
    note.value = 'hello';
    note.setSelectionRange(5, 5);
    type(note, EAN13, 5);
    press(note, 'Enter', 5);
    expect(reads).toHaveLength(1);
    expect(note.value).toBe('hello');
    detach!();
    detach = null;
    type(note, EAN13, 5);
    press(note, 'Enter', 5);
    expect(reads).toHaveLength(1);
    expect(note.value).toBe(`hello${EAN13}`);
  });
});

describe('WedgeDetector (pure)', () => {
  const feed = (d: WedgeDetector, text: string, t0: number, gap: number) => {
    let t = t0;
    for (const key of text) d.key({ key, timeMs: (t += gap) });
    return t;
  };

  it('timing is configurable', () => {
    const slowGun = new WedgeDetector({ maxGapMs: 60, minLength: 4 });
    const t = feed(slowGun, '1234', 0, 50);
    expect(slowGun.key({ key: 'Enter', timeMs: t + 50 })).toEqual({ type: 'scan', code: '1234' });
    const strict = new WedgeDetector({ maxGapMs: 20 });
    const t2 = feed(strict, EAN13, 0, 30);
    expect(strict.key({ key: 'Enter', timeMs: t2 + 5 })).toEqual({ type: 'pass' });
  });

  it('a burst longer than maxLength is not a code', () => {
    const d = new WedgeDetector({ minLength: 4, maxLength: 10 });
    const t = feed(d, '12345678901', 0, 5);
    expect(d.key({ key: 'Enter', timeMs: t + 5 })).toEqual({ type: 'pass' });
    const t2 = feed(d, '1234567890', t + 1000, 5);
    expect(d.key({ key: 'Enter', timeMs: t2 + 5 })).toEqual({ type: 'scan', code: '1234567890' });
  });

  it('non-ASCII keys (an IME, dead keys) are typing, not a code', () => {
    const d = new WedgeDetector();
    let t = feed(d, '1234', 0, 5);
    d.key({ key: '中', timeMs: (t += 5) });
    t = feed(d, '5678', t, 5);
    expect(d.key({ key: 'Enter', timeMs: t + 5 })).toEqual({ type: 'pass' });
  });

  it('refuses settings out of range, naming the field', () => {
    expect(() => new WedgeDetector({ maxGapMs: 5 })).toThrow('wedgeMaxGapMs: must be a whole number from 10 to 200');
    expect(() => new WedgeDetector({ minLength: 2 })).toThrow('wedgeMinLength: must be a whole number from 4 to 32');
    expect(() => new WedgeDetector({ minLength: 10, maxLength: 5 })).toThrow(/maxLength/);
  });

  it('wedgeRead classifies like the serial reader', () => {
    expect(wedgeRead('2834567890123456', 'kb')).toEqual({ scannerId: 'kb', kind: 'payment', code: '2834567890123456', masked: '2834********3456', channel: 'alipay', symbology: null });
  });
});
